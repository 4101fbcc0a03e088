"""What the loans intake stores is what the import engine's row reader read, row for row; and on PostgreSQL,
where rows are written while the file is still being checked (puhui.data.streaming), all or nothing holds."""

import datetime
import threading

import pytest
from django.db import connection

from puhui.core import crypto
from puhui.data import blocks, intake, services, storage, streaming
from puhui.data.catalogue import form as form_def
from puhui.data.county import county_context
from puhui.data.models import LoanRecord, Submission
from puhui.data.specs import loan_spec
from puhui.imports.tabular import ErrorList, TableReader, open_table

from .conftest import LOAN_HEADER, loan_row, loans_csv, make_uscc, resident_id

ROWS = [
    loan_row(1),
    loan_row(2, 借款人证件号码=resident_id("370323", "19750506", "012")),  # current code, born before it
    loan_row(3, 借款人证件号码=resident_id("372828", "19600101", "013"), 所在区划代码="370323102000"),
    loan_row(4, 借款人证件号码="91370323163034563Q", 借款人类型="小微企业", 涉农贷款="否"),  # all-digit USCC
    loan_row(
        5,
        借款人证件号码=make_uscc("92370323MA3C8HJK8"),
        借款人类型="个体工商户",
        担保方式="抵押",
        信用贷款="否",
    ),
    loan_row(6, **{"贷款金额（元）": "1,234.50", "贷款余额（元）": "¥1,000", "年利率（%）": "4.35%"}),
    loan_row(
        7, **{"贷款余额（元）": "0", "发放日期": "2020/2/3", "到期日期": "2020年12月31日", "借据号": "Ｌ-7/a"}
    ),
    loan_row(8, 借款人证件号码=resident_id("370323", "19900101", "001")),  # the same borrower as loan 1
]


def _receive(path, users, county, **kw):
    return intake.receive(
        actor=users["abc"],
        actor_label="测试",
        institution=county["abc"],
        form=form_def("loans"),
        period=services.period_get("2020Q1"),
        channel=Submission.Channel.PAGE,
        path=str(path),
        filename="loans.csv",
        **kw,
    )


def _expected(path):
    """The rows as TableReader reads them, in the stored form."""
    spec = loan_spec(
        ctx=county_context(), period_start=datetime.date(2020, 1, 1), period_end=datetime.date(2020, 3, 31)
    )
    with open_table(str(path), filename="loans.csv") as source:
        rows = [r for r in TableReader(spec, source, ErrorList()) if r.ok]
    out = []
    for r in rows:
        v = r.values
        out.append(
            (
                r.number, v["loan_no"], *v["borrower_id"], v["borrower_type"], *v["place"],
                intake.fen(v["amount"]), intake.fen(v["balance"]), v["rate"], v["issued_on"], v["due_on"],
                v["guarantee"], v["is_credit"], v["is_first"], v["is_agri"], v["status"],
                v.get("product", ""), v.get("collateral", ""),
            )
        )  # fmt: skip
    return out


def _stored(submission):
    out = []
    for x in LoanRecord.objects.filter(submission=submission).order_by("row"):
        number = x.borrower_id  # decrypted by the model field: the ciphertext is bound to its column
        assert x.borrower_hash == crypto.lookup_hash(number)
        out.append(
            (
                x.row, x.loan_no, x.id_kind, number, x.borrower_type, x.town_id, x.village_id, x.amount_fen,
                x.balance_fen, x.rate, x.issued_on, x.due_on, x.guarantee, x.is_credit, x.is_first, x.is_agri,
                x.status, x.product, x.collateral,
            )
        )  # fmt: skip
    return out


OPTIONAL = ["贷款产品", "押品类型"]
WITH_PRODUCTS = {  # row number → (product, collateral); the others leave both empty
    4: ("担保贷", ""),
    5: ("鲁担惠农贷", "土地经营权"),
    6: ("巾帼信用贷 ", ""),  # trimmed when read
}


@pytest.mark.parametrize("optional", [False, True])
@pytest.mark.parametrize("quoted", [False, True])
def test_stored_rows_are_the_row_readers(users, county, catalogue, tmp_path, quoted, optional):
    path = tmp_path / "loans.csv"
    rows = [
        {**r, **dict(zip(OPTIONAL, WITH_PRODUCTS.get(n, ("", "")), strict=True))}
        for n, r in enumerate(ROWS, 1)
    ]
    content = loans_csv(rows, header=[*LOAN_HEADER, *OPTIONAL]) if optional else loans_csv(ROWS)
    if not quoted:  # no cell needs quotes: the line reader's file
        content = (
            content.replace(b'"', b"")
            .replace(b"1,234.50", b"1234.50")
            .replace("¥1,000".encode(), "¥1000".encode())
        )
    path.write_bytes(content)
    assert blocks.plain_csv(str(path)) is not quoted
    outcome = _receive(path, users, county)
    assert outcome.ok, list(outcome.errors)
    expected = _expected(path)
    assert len(expected) == len(ROWS)
    assert _stored(outcome.submission) == expected
    with connection.cursor() as cursor:  # one borrower, one ciphertext in a submission
        cursor.execute("SELECT DISTINCT borrower_id FROM data_loanrecord WHERE row IN (2, 9)")
        assert len(cursor.fetchall()) == 1
    if optional:
        assert [(e[-2], e[-1]) for e in expected][3:6] == [
            ("担保贷", ""),
            ("鲁担惠农贷", "land_rights"),
            ("巾帼信用贷", ""),
        ]
    totals = outcome.submission.totals
    assert totals["loans"] == len(ROWS) and totals["balance_fen"] == sum(e[8] for e in expected)
    assert totals["amount_fen"] == sum(e[7] for e in expected)


# ---------------------------------------------------------------- PostgreSQL: stored while checked

stream_db = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def streamed(settings, monkeypatch):
    """Every file streams; records the streams made."""
    settings.PUHUI_DATA_STREAM_BYTES = 1
    made = []
    real = streaming.LoanStream

    def spy(fields):
        made.append(real(fields))
        return made[-1]

    monkeypatch.setattr(streaming, "LoanStream", spy)
    return made


def _many(n, **last):
    rows = [loan_row(i) for i in range(1, n + 1)]
    rows[-1] = loan_row(n, **last)
    return rows


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_streamed_file_is_stored_whole(users, county, catalogue, tmp_path, streamed, settings):
    path = tmp_path / "loans.csv"
    path.write_bytes(loans_csv(_many(45_000)))
    outcome = _receive(path, users, county)
    assert outcome.ok and len(streamed) == 1
    assert outcome.submission.pk == streamed[0].submission.pk and outcome.submission.version == 1
    assert Submission.objects.get().row_count == 45_000
    assert LoanRecord.objects.filter(submission=outcome.submission).count() == 45_000
    assert not connection.in_atomic_block


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "last", [{"贷款余额（元）": "60000"}, {"借据号": "L00001"}], ids=["bad last row", "duplicate loan id"]
)
def test_an_error_at_the_end_leaves_nothing(users, county, catalogue, tmp_path, streamed, last):
    path = tmp_path / "loans.csv"
    path.write_bytes(loans_csv(_many(45_000, **last)))
    outcome = _receive(path, users, county)
    assert not outcome.ok and outcome.errors.total == 1 and outcome.submission is None
    assert len(streamed) == 1 and streamed[0].written > 0  # rows were written, then taken away
    assert not Submission.all_objects.exists()
    assert not LoanRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_that_fails_leaves_nothing(users, county, catalogue, tmp_path, streamed, monkeypatch):
    monkeypatch.setattr(storage, "LOAN_COLUMNS", (*storage.LOAN_COLUMNS[:-1], "no_such_column"))
    path = tmp_path / "loans.csv"
    path.write_bytes(loans_csv(_many(100)))
    with pytest.raises(Exception, match="no_such_column"):
        _receive(path, users, county)
    assert not Submission.all_objects.exists()
    assert not LoanRecord.objects.exists()
    assert not [t for t in threading.enumerate() if t.name.startswith("loans-")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_or_below_the_size_nothing_streams(users, county, catalogue, tmp_path, settings):
    path = tmp_path / "loans.csv"
    path.write_bytes(loans_csv(_many(10)))
    settings.PUHUI_DATA_STREAM_BYTES = 1
    from django.db import transaction

    with transaction.atomic():
        assert not streaming.possible(str(path))
    assert streaming.possible(str(path))
    settings.PUHUI_DATA_STREAM_BYTES = 10**9
    assert not streaming.possible(str(path))
