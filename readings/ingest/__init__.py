"""Turn damaged PDF extractions into clean, structured text: pure Python, no Django imports."""
