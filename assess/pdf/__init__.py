"""The PDF front end: case-study booklets and feedback reports, printed with WeasyPrint."""
