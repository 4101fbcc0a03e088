"""Numbers a template groups itself (`floatformat` with "g") read as the figure filters write them: 1,234.56."""

from django.template import Context, Template

from puhui.core.templatetags.figures import figure


def test_floatformat_groups_thousands_with_commas_like_the_figure_filters():
    out = Template('{{ x|floatformat:"2g" }}|{{ n|floatformat:"0g" }}').render(
        Context({"x": 1834.54, "n": 1234567})
    )
    assert out == "1,834.54|1,234,567"
    assert figure(1834.54) == "1,834.54"
