"""The scenario editor: change a network without touching JSON.

Modules, one idea each:

- :mod:`.schema` reads the scenario format's JSON Schema: which widget each field gets.
- :mod:`.fields` the field widgets (number, text, choice, yes/no, time or distribution, JSON).
- :mod:`.forms` an object as a form, a list of objects as a table with the row's form.
- :mod:`.map_editor` the map: drag a site, draw a lane, delete.
- :mod:`.commands` the undo steps (QUndoCommand).
- :mod:`.problems` the list of every problem, in the CLI's words.
- :mod:`.editor` :class:`ScenarioEditor`, the widget that puts these together.
- :mod:`.view` :class:`EditorView`, the editor as a tab of the main window.
- :mod:`.link` :class:`EditorLink`, which ties that tab to the file and to the run.

The document it edits is Qt-free: :class:`twin_app.io.scenario_document.ScenarioDocument`.

**Interface for other views** (the sweep view connects to it)::

    ScenarioEditor.sweep_field_requested = Signal(str, object)   # path, value

emitted by *Sweep this field...* in the context menu of any numeric or yes/no field (and a
time field holding a plain number). ``path`` is in the sweep specs' syntax
(:mod:`twin_app.experiments.sweep_spec`), with list elements named by their id where they
have a unique one (``machines[M07].capacity``, ``lanes[L1].vehicles``, else by position:
``demand.streams[0].price_per_unit``); ``value`` is the field's current value (its default
when the file leaves it out). The main window's editor is ``window.editor_view.editor``.
"""

from twin_app.gui.editor.editor import ScenarioEditor

__all__ = ["ScenarioEditor"]
