"""How passages group on a page: consecutive list items are one list, not paragraphs one after another."""


def mark_list_runs(passages) -> list:
    """Mark each list item that opens or closes a run of items (`opens_list`, `closes_list`), so a template
    wraps the run in one <ul>; returns the passages."""
    passages = list(passages)
    for i, passage in enumerate(passages):
        item = passage.kind == "item"
        before = passages[i - 1].kind if i else None
        after = passages[i + 1].kind if i + 1 < len(passages) else None
        passage.opens_list = item and before != "item"
        passage.closes_list = item and after != "item"
    return passages
