"""Reading and writing scenario files, order books and benchmark instances."""
