"""Printed output: case-study booklets and feedback reports (WeasyPrint)."""
