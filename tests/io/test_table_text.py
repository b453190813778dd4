"""Tables as CSV files and TSV clipboard text: readable back, and nothing runs as a formula."""

from __future__ import annotations

import csv
import io

from twin_app.io.table_text import paste_safe, table_csv, table_tsv


def test_csv_reads_back_with_numbers_as_numbers_and_formulas_defused() -> None:
    text = table_csv(["Owner", "Profit", "Note"], [["acme", 12345.5, "=HYPERLINK(x)"], ["beta, inc", -3, None]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Owner", "Profit", "Note"], ["acme", "12345.5", "'=HYPERLINK(x)"], ["beta, inc", "-3", ""]]


def test_tsv_is_one_line_per_row_and_keeps_shown_numbers() -> None:
    text = table_tsv(["Owner", "Profit", "Margin"], [["acme", "-442", "-4.6 %"], ["tab\there", "1,234", "-"]])
    assert text.splitlines() == ["Owner\tProfit\tMargin", "acme\t-442\t-4.6 %", "tab here\t1,234\t-"]
    assert paste_safe("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0" and paste_safe("+12") == "+12"
