"""The command line end to end on CSV files in a temporary directory (no database)."""

import json

import pandas as pd

from puhui.engines.scoring import default_config_path, synthetic
from puhui.engines.scoring.cli import main


def test_train_then_score_then_monitor(tmp_path, capsys):
    data = synthetic.credit_sample(3000, seed=21)
    train_csv = tmp_path / "train.csv"
    data.to_csv(train_csv, index=False)
    model = tmp_path / "model.json"
    rc = main(
        [
            "train",
            "--data",
            str(train_csv),
            "--target",
            "default",
            "--out",
            str(model),
            "--id",
            "household_id",
            "--time",
            "period",
            "--oot-from",
            "2021-07",
            "--group",
            "town",
            "--version",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "跨时间样本：AUC" in out and "检验样本" not in out
    assert "分层 5 折交叉验证：AUC" in out
    spec = json.loads(model.read_text(encoding="utf-8"))
    assert spec["kind"] == "statistical" and spec["version"] == "1" and spec["id"] == "model"
    report = json.loads((tmp_path / "model.report.json").read_text(encoding="utf-8"))
    assert report["model"]["version"] == "model@1"
    assert "评分卡验证报告" in (tmp_path / "model.report.md").read_text(encoding="utf-8")

    new = synthetic.credit_sample(500, seed=22).drop(columns=["default"])
    new.loc[0, "housing"] = "yurt"  # unseen category
    new.loc[1, "annual_net_income"] = None
    new["household_id"] = "0" + new["household_id"]  # leading zero kept
    score_csv = tmp_path / "new.csv"
    new.to_csv(score_csv, index=False)
    out_csv = tmp_path / "scores.csv"
    rc = main(
        [
            "score",
            "--model",
            str(model),
            "--data",
            str(score_csv),
            "--out",
            str(out_csv),
            "--id",
            "household_id",
        ]
    )
    assert rc == 0
    scores = pd.read_csv(out_csv, dtype={"household_id": str})
    assert len(scores) == 500
    assert list(scores["household_id"]) == list(new["household_id"])
    assert {"score", "pd", "grade", "reason_1_code", "reason_1_text", "version"} <= set(scores.columns)
    assert scores["score"].notna().all() and scores["pd"].between(0, 1).all()
    assert "已评分 500 行" in capsys.readouterr().out

    rc = main(
        ["monitor", "--model", str(model), "--data", str(score_csv), "--out", str(tmp_path / "psi.json")]
    )
    assert rc == 0
    assert "分数 PSI" in capsys.readouterr().out
    assert "csi" in json.loads((tmp_path / "psi.json").read_text(encoding="utf-8"))


def test_train_options_of_earlier_versions_and_the_new_ones(tmp_path, capsys):
    data = synthetic.credit_sample(2000, seed=23)
    csv = tmp_path / "train.csv"
    data.to_csv(csv, index=False)
    base = ["train", "--data", str(csv), "--target", "default", "--id", "household_id"]
    base += ["--exclude", "period", "town"]
    model = tmp_path / "held.json"
    rc = main([*base, "--out", str(model), "--test-size", "0.3", "--cv-folds", "0", "--min-iv", "0.02"])
    out = capsys.readouterr().out
    assert rc == 0 and "检验样本：AUC" in out and "交叉验证" not in out
    report = json.loads((tmp_path / "held.report.json").read_text(encoding="utf-8"))
    assert report["samples"]["test"]["rows"] == 600 and report["model"]["options"]["min_iv"] == 0.02
    rc = main([*base, "--out", str(tmp_path / "auto.json"), "--cv-folds", "3", "--C", "auto"])
    out = capsys.readouterr().out
    assert rc == 0 and "分层 3 折交叉验证" in out
    report = json.loads((tmp_path / "auto.report.json").read_text(encoding="utf-8"))
    assert report["model"]["regularisation"]["chosen_by"] == "inner_cv_3"
    assert main([*base, "--out", str(tmp_path / "bad.json"), "--C", "-1"]) == 2
    assert "--C 应为正数或 auto" in capsys.readouterr().err


def test_score_with_the_expert_config_and_gbk_csv(tmp_path, capsys):
    households = synthetic.households(300, seed=5)
    households.loc[0, "current_npl"] = True
    csv = tmp_path / "hh.csv"
    households.to_csv(csv, index=False, encoding="gb18030")
    out = tmp_path / "s.csv"
    rc = main(
        [
            "score",
            "--model",
            str(default_config_path()),
            "--data",
            str(csv),
            "--out",
            str(out),
            "--id",
            "household_id",
            "--reasons",
            "2",
        ]
    )
    assert rc == 0
    s = pd.read_csv(out)
    assert s.loc[0, "grade"] == "不评级" and s.loc[0, "exclusion_codes"] == "EXC_NPL"
    assert "reason_2_text" in s.columns and "reason_3_text" not in s.columns
    assert s["version"].eq("rural-household-default@2024.1").all()


def test_check_and_errors(tmp_path, capsys):
    assert main(["check", "--model", str(default_config_path())]) == 0
    assert "分数范围 0 至 100" in capsys.readouterr().out
    csv = tmp_path / "d.csv"
    pd.DataFrame({"a": [1, 2], "y": ["x", "z"]}).to_csv(csv, index=False)
    assert main(["train", "--data", str(csv), "--target", "y", "--out", str(tmp_path / "m.json")]) == 2
    assert "请用 --bad 指定" in capsys.readouterr().err
    assert (
        main(
            [
                "score",
                "--model",
                str(default_config_path()),
                "--data",
                str(csv),
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "需要的列“head_age”" in err and "需要的列“current_npl”" in err
    assert (
        main(
            [
                "score",
                "--model",
                str(tmp_path / "none.json"),
                "--data",
                str(csv),
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    assert "无法读取评分卡文件" in capsys.readouterr().err
