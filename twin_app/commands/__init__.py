"""The CLI's command modules, one per group of commands; ``twin_app.cli`` registers them."""
