"""Bad guarantee files: exit code 2, every problem named in Chinese (row and column) on stderr, and no result
directory written."""

import pytest

from puhui.engines.risk.cli import main

HEADER = "担保人,借款人,担保金额,是否违约"


def _refused(tmp_path, capsys, text: str, *extra: str) -> list[str]:
    """The problems `puhui risk networks` prints, having checked it exits 2 and writes nothing."""
    edges = tmp_path / "担保关系.csv"
    edges.write_text(text, "utf-8")
    out = tmp_path / "结果"
    assert main(["networks", "--edges", str(edges), "--out", str(out), *extra]) == 2
    captured = capsys.readouterr()
    assert not out.exists() and captured.out == ""
    lines = captured.err.splitlines()
    assert lines and all(ln.startswith("错误：") for ln in lines)
    return [ln.removeprefix("错误：") for ln in lines]


def _file(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_a_guarantor_guaranteeing_itself(tmp_path, capsys):
    assert _refused(tmp_path, capsys, _file("A,B,100,0", "C,C,50,0")) == [
        "第3行：担保人与借款人都是“C”，不能为自己担保"
    ]


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("", "第2行“担保金额”不能为空"),
        ("-5", "第2行“担保金额”“-5”应大于 0（元）"),
        ("0", "第2行“担保金额”“0”应大于 0（元）"),
        ("一百", "第2行“担保金额”“一百”不是数字"),
        ("nan", "第2行“担保金额”“nan”不是数字"),
        ("inf", "第2行“担保金额”“inf”不是数字"),
    ],
)
def test_a_bad_amount(tmp_path, capsys, amount, problem):
    assert _refused(tmp_path, capsys, _file(f"A,B,{amount},0")) == [problem]


def test_an_empty_identity_names_the_english_column_when_the_header_is_english(tmp_path, capsys):
    text = _file(",B,100", "A,,100", header="guarantor,borrower,amount")
    assert _refused(tmp_path, capsys, text) == ["第2行“guarantor”不能为空", "第3行“borrower”不能为空"]


def test_an_identity_with_the_member_separator(tmp_path, capsys):
    assert _refused(tmp_path, capsys, _file("A;1,B,100,0")) == ["第2行“担保人”“A;1”不能含有分号"]


@pytest.mark.parametrize("flag", ["2", "是", "yes", "-1", "0.5"])
def test_a_default_flag_that_is_not_0_or_1(tmp_path, capsys, flag):
    assert _refused(tmp_path, capsys, _file(f"A,B,100,{flag}")) == [f"第2行“是否违约”“{flag}”应为 0 或 1"]


def test_a_borrower_flagged_both_ways(tmp_path, capsys):
    assert _refused(tmp_path, capsys, _file("A,B,100,1", "C,B,50,", "D,B,20,0")) == [
        "第4行“是否违约”为 0，与第2行借款人“B”的 1 不一致"
    ]


def test_missing_columns(tmp_path, capsys):
    assert _refused(tmp_path, capsys, "担保人,金额\nA,100\n") == [
        "缺少“借款人”列（borrower）",
        "缺少“担保金额”列（amount）",
    ]


def test_a_column_given_twice(tmp_path, capsys):
    assert _refused(tmp_path, capsys, "担保人,guarantor,借款人,担保金额\nA,A,B,1\n") == [
        "“担保人”列出现了不止一次"
    ]


def test_no_rows(tmp_path, capsys):
    assert _refused(tmp_path, capsys, _file()) == ["担保关系文件中没有数据行"]


def test_every_problem_is_listed_at_once(tmp_path, capsys):
    problems = _refused(tmp_path, capsys, _file("A,A,100,0", "B,C,-1,0", "D,E,5,x"))
    assert problems == [
        "第2行：担保人与借款人都是“A”，不能为自己担保",
        "第3行“担保金额”“-1”应大于 0（元）",
        "第4行“是否违约”“x”应为 0 或 1",
    ]


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (["--cushion", "-1"], "--cushion（自有缓冲，元）不能为负数"),
        (["--cycle-cap", "0"], "--cycle-cap（每个担保圈的担保环上限）应至少为 1"),
        (["--top", "-3"], "--top 不能为负数"),
    ],
)
def test_bad_options(tmp_path, capsys, extra, problem):
    assert _refused(tmp_path, capsys, _file("A,B,100,0"), *extra) == [problem]


def test_a_file_that_cannot_be_read(tmp_path, capsys):
    out = tmp_path / "结果"
    assert main(["networks", "--edges", str(tmp_path / "没有.csv"), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith("错误：无法读写文件") and not out.exists()
