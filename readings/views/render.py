"""How a view answers: the named partial of its page for an htmx swap, the whole page otherwise."""

from django.template.response import TemplateResponse


def render_page(request, template, partial, context, status=200):
    """The named partial for an htmx swap, the whole page otherwise.

    A history restore asks for a whole page: htmx found nothing in its cache and will replace
    the document with what it gets.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    return TemplateResponse(request, template, context, status=status)
