"""pipeline.tracking: the context paths a template reads decide a document's content key."""

from __future__ import annotations

import jinja2

from pipeline.tracking import Node, NodeList, Reads, projection


def tracked(context: dict, reads: Reads) -> dict:
    """The context as rendering hands it over (render.py): each top-level value, dicts as Node and lists
    as NodeList knowing their path; a list's items are covered by the list itself."""
    def wrap(value, keys, log):
        if isinstance(value, dict):
            return Node({k: wrap(v, (*keys, k), log) for k, v in value.items()}, ".".join(keys), keys, log)
        if isinstance(value, list):
            return NodeList([wrap(v, keys, None) for v in value], keys, log)
        return value
    return {k: wrap(v, (k,), reads) for k, v in context.items()}


CONTEXT = {
    "projekt": {"titel": "Reinigung", "id": "REINIGUNG", "text": "lang"},
    "beteiligte": [{"name": "Raunheim"}, {"name": "Gernsheim"}],
    "bericht": {"nummer": 12, "stand": "Oktober 2025"},
}


def render(source: str, context: dict = CONTEXT) -> tuple[str, Reads]:
    reads = Reads()
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return env.from_string(source).render(tracked(context, reads)), reads


def test_a_key_lookup_reads_only_that_value():
    text, reads = render("{{ projekt.titel }} ({{ bericht.nummer }}.)")
    assert text == "Reinigung (12.)"
    assert reads.paths == {("projekt", "titel"), ("bericht", "nummer")}


def test_iterating_a_list_reads_the_whole_list():
    text, reads = render("{% for b in beteiligte %}{{ b.name }} {% endfor %}")
    assert text == "Raunheim Gernsheim "
    assert ("beteiligte",) in reads.paths


def test_anything_but_a_lookup_reads_the_whole_container():
    for source in ("{{ projekt }}", "{{ projekt | length }}", "{% if 'x' in projekt %}{% endif %}",
                   "{{ projekt.items() | list | length }}", "{{ projekt.get('fehlt', '-') }}"):
        _, reads = render(source)
        assert ("projekt",) in reads.paths, source


def test_projection_changes_exactly_when_a_read_value_changes():
    _, reads = render("{{ projekt.titel }}")
    base = projection(CONTEXT, reads)
    unread = {**CONTEXT, "projekt": {**CONTEXT["projekt"], "text": "anders"}, "bericht": {"nummer": 13}}
    assert projection(unread, reads) == base
    read = {**CONTEXT, "projekt": {**CONTEXT["projekt"], "titel": "Neu"}}
    assert projection(read, reads) != base
    gone = {**CONTEXT, "projekt": {"id": "REINIGUNG"}}
    assert projection(gone, reads) == [[["projekt", "titel"], "<fehlt>"]]
    assert projection(CONTEXT, None) is CONTEXT  # nothing known yet: all of it


def test_reads_survive_their_json_form():
    _, reads = render("{{ projekt.titel }}{% for b in beteiligte %}{% endfor %}")
    again = Reads.from_json(reads.to_json())
    assert again.paths == reads.paths
    assert projection(CONTEXT, again) == projection(CONTEXT, reads)
