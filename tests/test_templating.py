"""The Word templates' Jinja environment: one per process, compiling each source once."""

from __future__ import annotations

import jinja2
import pytest

from pipeline.templating import environment


def test_one_environment_compiles_a_source_once_and_a_changed_source_anew():
    env = environment()
    assert environment() is env
    first = env.from_string("Guten Tag, {{ name }}!")
    assert env.from_string("Guten Tag, {{ name }}!") is first
    assert first.render(name="Raunheim") == "Guten Tag, Raunheim!"
    assert first.render(name="Trebur") == "Guten Tag, Trebur!"  # the kept template serves every context
    # an edited template (same place, other words) is compiled from its new source
    assert env.from_string("Hallo, {{ name }}!").render(name="Raunheim") == "Hallo, Raunheim!"


def test_a_syntax_error_is_raised_every_time_and_not_kept():
    env = environment()
    for _ in range(2):
        with pytest.raises(jinja2.TemplateSyntaxError):
            env.from_string("{% if x %}offen")
        with pytest.raises(jinja2.TemplateSyntaxError):
            env.parse("{% if x %}offen")


def test_the_check_of_a_template_finds_the_same_each_time():
    """`jinja2.meta` optimizes the tree it is given in place (`x[-1]` becomes a constant lookup): the check of the
    second document of a template must see the template as the first did."""
    from jinja2 import meta

    from pipeline.template_check import _VariableCheck

    env = environment()
    source = "{{ abschnitte[-1].ende }} {{ x[(false and y) ~ ''] }}"

    def check() -> tuple[list, set]:
        found = _VariableCheck({"abschnitte": ({"ende": 1},), "x": {}, "y": 1}, source)
        for node in env.parse(source).body:
            found.visit(node, {})
        return found.problems, meta.find_undeclared_variables(env.parse(source))

    assert check() == ([], {"abschnitte", "x", "y"})
    assert check() == ([], {"abschnitte", "x", "y"})


def test_autoescape_and_strict_undefined_hold_for_kept_templates():
    env = environment()
    template = env.from_string("{{ text }}")
    assert template.render(text="A & B <C>") == "A &amp; B &lt;C&gt;"
    with pytest.raises(jinja2.UndefinedError, match="unbekannte Variable »text«"):
        env.from_string("{{ text }}").render()


def test_only_the_most_recently_used_sources_are_kept():
    env = environment()
    oldest = env.from_string("{{ 'älteste' }}")
    for i in range(type(env)._KEEP):
        env.from_string(f"{{{{ {i} }}}}")
    assert env.from_string("{{ 'älteste' }}") is not oldest
    assert env.from_string("{{ 'älteste' }}").render() == "älteste"
