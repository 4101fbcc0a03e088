"""The engine's command line on files: results written, bad input exits 2 with every reason in Chinese."""

import csv
import json

from puhui.engines.evaluation.cli import main

HEADER = ("bank,name,agri_loan_growth,small_loan_growth,credit_loan_share,first_loans,precredit_coverage,"
          "channels_kept,terminal_bill_rate,loan_rate,complaint_on_time,npl_ratio,policy,system,innovation,"
          "environment,external")  # fmt: skip
ROWS = [
    "1,农行,25,10,12,30,不适用,100,90,4.8,,1.2,4,4,3,5,4",
    "2,农商行,15,22,20,80,65,95,96,5.2,90,2.5,5,4,4,4,5",
    "3,村镇银行,-3,5,5,10,40,,50,6.1,100,6,3,3,2,3,3",
]


def test_results_as_csv_and_json(tmp_path, capsys):
    values = tmp_path / "values.csv"
    values.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    assert main(["--values", str(values), "--year", "2021", "--out", str(tmp_path / "r.csv")]) == 0
    assert "已完成综合评价：3 家银行" in capsys.readouterr().out
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert [(r["name"], r["rank"], r["grade"]) for r in rows] == [("农商行", "1", "良好"), ("农行", "2", "良好"),
                                                                  ("村镇银行", "3", "较差")]  # fmt: skip
    assert rows[1]["precredit_coverage"] == "不适用"
    assert main(["--values", str(values), "--out", str(tmp_path / "r.json")]) == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data[0]["scores"]["agri_loan_growth"] == {"value": 15, "points": 9, "status": "scored"}


def test_bad_values_exit_2_with_every_reason(tmp_path, capsys):
    values = tmp_path / "values.csv"
    bad = ["1,农行,很多,10,12,30,,100,90,4.8,,1.2,9,4,3,5,4", "1,重复,1,1,1,1,,1,1,1,,1,1,1,1,1,1"]
    values.write_text("\n".join([HEADER, *bad]) + "\n", encoding="utf-8")
    assert main(["--values", str(values), "--out", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert "涉农贷款余额同比增速（agri_loan_growth）应为数值" in err
    assert "政策实施（policy）的得分应在 0 到 5 之间" in err
    assert "机构重复" in err
    assert not (tmp_path / "r.csv").exists()
