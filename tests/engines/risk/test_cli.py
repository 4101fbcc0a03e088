"""`puhui risk networks` end to end, files in and out, through the console script as well."""

import csv
import io

from puhui.cli import main as puhui_main
from puhui.engines.risk.cli import main

# Group 1: A guarantees B (60 元, twice: two loans, summed) and C; C guarantees B; K guarantees A; B in default.
# Group 2: X and Y guarantee each other (a circle of two, one cycle, one mutual pair).
EDGES = """担保人,借款人,担保金额,是否违约
A,B,30,1
A,B,30,
A,C,40,
C,B,20,1
K,A,10,0
X,Y,5,
Y,X,"1,000",0
"""


def _rows(path):
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))


def test_the_four_files(tmp_path, capsys):
    edges = tmp_path / "担保关系.csv"
    edges.write_text(EDGES, "utf-8")
    out = tmp_path / "结果" / "2024Q4"
    assert main(["networks", "--edges", str(edges), "--out", str(out), "--top", "3"]) == 0
    said = capsys.readouterr().out
    assert "已读入 7 条担保关系：6 户企业，2 个担保群，1 个担保圈（0 个达到担保环上限），1 对互保。" in said
    assert sorted(p.name for p in out.iterdir()) == [
        "circles.csv",
        "groups.csv",
        "nodes.csv",
        "vulnerable.csv",
    ]
    assert (out / "groups.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    groups = _rows(out / "groups.csv")
    assert groups[1:] == [
        # B's default: A pays 60 + 40 (C fully distressed), C pays 20, K pays 10 × A's first distress 0.6 = 126.
        ["1", "4", "4", "130.00", "1", "0", "0", "3", "A", "3", "126.00", "126.00", "B"],
        # X alone: Y (capacity 1,000) is called for all 1,000 元.
        ["2", "2", "2", "1005.00", "0", "1", "1", "0", "Y", "2", "0.00", "1000.00", "X"],
    ]
    assert _rows(out / "circles.csv") == [
        [
            "担保圈编号",
            "担保群编号",
            "企业数（户）",
            "成员",
            "圈内担保总额（元）",
            "找到的担保环（个）",
            "达到上限",
        ],
        ["1", "2", "2", "X;Y", "1005.00", "1", "否"],
    ]
    nodes = {r[0]: r for r in _rows(out / "nodes.csv")[1:]}
    assert nodes["A"] == ["A", "1", "", "1", "2", "0", "100.00", "10.00", "0", "10.00", "1.4000", "100.00"]
    assert nodes["B"][:9] == ["B", "1", "", "2", "0", "0", "0.00", "80.00", "1"]
    assert nodes["X"][:6] == ["X", "2", "1", "1", "1", "1"]
    # K's vulnerability 2.0 (A 1, B 0.6, C 0.4), then A 1.4, then Y and C at 1.0 — Y first, guaranteeing more.
    assert [r[:2] for r in _rows(out / "vulnerable.csv")[1:]] == [["1", "K"], ["2", "A"], ["3", "Y"]]


def test_english_headers_and_no_default_column_through_the_console_script(tmp_path, capsys):
    edges = tmp_path / "edges.csv"
    edges.write_text("guarantor,borrower,amount\nA,B,100\nB,C,50\n", "utf-8-sig")
    out = tmp_path / "out"
    assert puhui_main(["puhui", "risk", "networks", "--edges", str(edges), "--out", str(out)]) == 0
    groups = _rows(out / "groups.csv")
    # No defaults flagged: no spread now; C alone costs B 50 and, B being then fully distressed, A 100.
    assert groups[1][4] == "0" and groups[1][10:] == ["0.00", "150.00", "C"]
    assert _rows(out / "circles.csv")[1:] == []


def test_the_cycle_cap_shows_in_circles_csv(tmp_path):
    # Every pair of four firms guarantees each other: 20 simple cycles; a cap of 5 lists 5 and says so.
    names = "ABCD"
    rows = [f"{a},{b},10" for a in names for b in names if a != b]
    edges = tmp_path / "edges.csv"
    edges.write_text("guarantor,borrower,amount\n" + "\n".join(rows) + "\n", "utf-8")
    for cap, found, hit in (("5", "5", "是"), ("20", "20", "否")):
        out = tmp_path / f"cap{cap}"
        assert main(["networks", "--edges", str(edges), "--out", str(out), "--cycle-cap", cap]) == 0
        assert _rows(out / "circles.csv")[1] == ["1", "1", "4", "A;B;C;D", "120.00", found, hit]
