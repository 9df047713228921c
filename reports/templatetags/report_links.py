from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def period_query(context: template.Context, drafts: bool = False) -> str:
    """`?start=…&end=…` of the page that includes the links, so a report keeps the chosen period."""
    request = context.get("request")
    query = QueryDict(mutable=True)
    for name in ("start", "end"):
        if request is not None and request.GET.get(name):
            query[name] = request.GET[name]
    if drafts:
        query["drafts"] = "1"
    return f"?{query.urlencode()}" if query else ""
