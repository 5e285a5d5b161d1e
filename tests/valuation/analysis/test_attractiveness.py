import pandas as pd
import pytest

from valuation.analysis import columns as c
from valuation.analysis.attractiveness import attractiveness, margin, segment


def scores_frame(rows):
    return pd.DataFrame(rows, columns=[c.ACCOUNT, c.CRITERION, c.WEIGHT, c.SCORE])


def test_attractiveness_from_weighted_scores():
    scores = scores_frame(
        [
            (1, "size", 3.0, 5),
            (1, "fit", 2.0, 3),
            (1, "access", 5.0, 2),
            (1, "unscored", 10.0, None),  # not scored: left out
            (2, "size", 1.0, 1),
            (2, "fit", 4.0, 1),
            (3, "size", 2.0, 5),
        ]
    )

    result = attractiveness(scores, pd.Series([0.0, 0.0, 0.0], index=[1, 2, 3]))

    # Σw(s−1) = 3·4 + 2·2 + 5·1 = 21; 4·Σw = 4·10 = 40; A = 100 · 21/40 = 52.5
    assert result[1] == pytest.approx(52.5)
    assert result[2] == 0.0  # every score 1
    assert result[3] == 100.0  # every score 5


@pytest.mark.parametrize(
    ("growth", "expected"),
    [
        (0.0, 50.0),
        (0.1, 60.0),  # 50 + 100 × 0.1
        (-0.2, 30.0),
        (0.5, 100.0),
        (-0.5, 0.0),
        (0.7, 100.0),  # clipped
        (-0.6, 0.0),  # clipped at 0
    ],
)
def test_attractiveness_without_scores_follows_growth(growth, expected):
    result = attractiveness(scores_frame([]), pd.Series([growth], index=[9]))

    assert result[9] == pytest.approx(expected)


def test_attractiveness_with_zero_total_weight_follows_growth():
    result = attractiveness(scores_frame([(4, "size", 0.0, 5)]), pd.Series([0.1], index=[4]))

    assert result[4] == pytest.approx(60.0)


def test_margin():
    result = margin(pd.Series([10_000.0, 5.0, -3_000.0]), pd.Series([100_000.0, 0.0, 60_000.0]))

    # 10 000/100 000; revenue 0 → 0; −3 000/60 000
    assert result.tolist() == pytest.approx([0.1, 0.0, -0.05])


@pytest.mark.parametrize(
    ("score", "account_margin", "expected"),
    [
        (60.0, 0.10, "invest"),  # both boundaries inclusive
        (100.0, 0.5, "invest"),
        (60.0, 0.099999, "develop"),
        (59.999999, 0.10, "maintain"),
        (59.0, 0.05, "reassess"),
        (0.0, -1.0, "reassess"),
        (60.0, 0.1 - 1e-12, "invest"),  # float noise below 0.1 is 0.100000 as stored
        (60.0 - 1e-9, 0.10, "invest"),
    ],
)
def test_segment_boundaries(score, account_margin, expected):
    result = segment(pd.Series([score]), pd.Series([account_margin]), 60.0, 0.10)

    assert result.iloc[0] == expected


def test_scores_from_the_database_and_the_output_names():
    from decimal import Decimal

    scores = scores_frame([(1, "size", Decimal("3.00"), 4), (2, "fit", None, 5)])
    index = pd.Index([1, 2], name=c.ACCOUNT)

    result = attractiveness(scores, pd.Series([0.0, 0.2], index=index))

    # account 1: 100·3·3/(4·3) = 75; account 2 has no weight, so it follows growth: 70
    assert result.tolist() == [75.0, 70.0]
    assert result.name == c.ATTRACTIVENESS
    assert result.index.equals(index)
    assert margin(pd.Series([1.0], index=index[:1]), pd.Series([4.0])).name == c.MARGIN
    assert segment(result, pd.Series([0.2, 0.0], index=index), 60, 0.1).to_dict() == {
        1: "invest",
        2: "develop",
    }
    assert segment(result, result, 60, 0.1).name == c.SEGMENT
