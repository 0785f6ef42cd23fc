"""The store: snapshots stored once and whole, model identities across snapshots, organizations edited live."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest import register_boards
from bot.profiles import board_ids
from bot.sources import SnapshotData, get_source
from bot.sources.payloads import read_rows
from db.keys import model_key
from db.store import BULK_ROWS, Store, StoreError
from tests.bundled import ARENA_2024
from tests.conftest import WORKER
from tests.postgres import Cluster
from tests.stores import INTEGRITY_ERRORS, SCORE_NOT_NULL, fingerprint, read_entries

pytestmark = pytest.mark.both_engines


@pytest.fixture(scope="module")
def arena_snapshots() -> list[SnapshotData]:
    return get_source("arena-raw").to_snapshots(read_rows(ARENA_2024), origin=str(ARENA_2024))


def later_board(snapshot: SnapshotData, as_of: str, *, rename=lambda name: name) -> SnapshotData:
    """The same board published again on `as_of`, every rating one point up, names through `rename`."""
    rows = [{**r, "name": rename(r["name"]), "score": r["score"] + 1} for r in snapshot.rows]
    for r in rows:
        r["model_key"] = r["name"].strip().casefold()
    return SnapshotData(snapshot.board, snapshot.category, as_of, rows, f"{snapshot.content_hash}-{as_of}")


def model_ids(store: Store, snapshot_id: int) -> dict[str, int]:
    return {e["model_key"]: e["model_id"] for e in store.entries(snapshot_id)}


def test_identical_data_is_stored_once(empty_store: Store, arena_snapshots: list[SnapshotData]) -> None:
    register_boards(empty_store)
    first = empty_store.save_snapshots(arena_snapshots)
    assert [s.created for s in first] == [True] * 39
    before = fingerprint(empty_store)
    assert before[:2] == (39, 5597)
    again = empty_store.save_snapshots(arena_snapshots)
    assert [s.created for s in again] == [False] * 39
    assert [s.snapshot.id for s in again] == [s.snapshot.id for s in first]
    assert fingerprint(empty_store) == before


def test_one_import_holding_the_same_board_twice_stores_it_once(
    empty_store: Store, arena_snapshots: list[SnapshotData]
) -> None:
    register_boards(empty_store)
    saved = empty_store.save_snapshots([arena_snapshots[0], arena_snapshots[0]])
    assert [s.created for s in saved] == [True, False]
    assert saved[0].snapshot == saved[1].snapshot
    assert len(empty_store.snapshots()) == 1


def test_a_model_keeps_its_identity_across_snapshots(store: Store) -> None:
    boards = store.snapshots("arena-raw", "overall")
    first, last = boards[0], boards[-1]
    assert (first.as_of, last.as_of) == ("2024-06-19", "2024-12-31")
    early, late = model_ids(store, first.id), model_ids(store, last.id)
    assert early["gpt-4o-2024-05-13"] == late["gpt-4o-2024-05-13"]
    shared = set(early) & set(late)
    assert len(shared) > 90
    assert all(early[k] == late[k] for k in shared)
    distinct = {r["model_name"].casefold() for r in read_rows(ARENA_2024)}
    (models,) = store.db.execute("SELECT count(*) FROM models WHERE board = 'arena-raw'").fetchone()
    assert models == len(distinct)


def test_names_differing_only_in_case_are_one_model(empty_store: Store, arena_snapshots: list[SnapshotData]) -> None:
    register_boards(empty_store)
    (december,) = empty_store.save_snapshots([arena_snapshots[-1]])
    (lower,) = empty_store.save_snapshots([later_board(arena_snapshots[-1], "2025-01-06", rename=str.lower)])
    assert lower.created
    assert model_ids(empty_store, lower.snapshot.id) == model_ids(empty_store, december.snapshot.id)
    (models,) = empty_store.db.execute("SELECT count(*) FROM models").fetchone()
    assert models == 182
    names = {e["name"] for e in empty_store.entries(lower.snapshot.id)}
    assert "gpt-4o-2024-05-13" in names  # each snapshot keeps the spelling it was published with


def test_first_seen_is_the_earliest_board_whatever_the_import_order(
    empty_store: Store, arena_snapshots: list[SnapshotData]
) -> None:
    register_boards(empty_store)
    empty_store.save_snapshots([arena_snapshots[-1]])
    empty_store.save_snapshots([arena_snapshots[0]])
    first_seen = dict(empty_store.db.execute("SELECT key, first_seen FROM models").fetchall())
    assert first_seen["gpt-4o-2024-05-13"] == "2024-06-19"
    assert first_seen["gemini-exp-1206"] == "2024-12-31"


def test_a_failure_inside_the_write_leaves_no_partial_snapshot(
    store: Store, arena_snapshots: list[SnapshotData]
) -> None:
    before = fingerprint(store)
    good = later_board(arena_snapshots[-1], "2025-01-06", rename=lambda name: f"{name} (rerun)")  # 182 new models
    bad = later_board(arena_snapshots[-1], "2025-01-13")
    bad.columns["score"][150] = None  # entries.score is NOT NULL: fails after `good` is written
    with pytest.raises(INTEGRITY_ERRORS, match=SCORE_NOT_NULL):
        store.save_snapshots([good, bad])
    assert fingerprint(store) == before
    assert store.latest_snapshot("arena-raw", "overall").as_of == "2024-12-31"
    (new_models,) = store.db.execute("SELECT count(*) FROM models WHERE key LIKE '% (rerun)'").fetchone()
    assert new_models == 0
    assert store.save_snapshots([good])[0].created  # the store is still usable


def test_a_snapshot_for_an_unknown_board_rolls_back_the_whole_import(
    store: Store, arena_snapshots: list[SnapshotData]
) -> None:
    before = fingerprint(store)
    good = later_board(arena_snapshots[-1], "2025-01-06")
    stray = later_board(arena_snapshots[0], "2025-01-06")
    stray.board = "no-such-board"
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.save_snapshots([good, stray])
    assert fingerprint(store) == before


def test_latest_snapshot_and_categories_skip_rejected_boards(
    empty_store: Store, arena_snapshots: list[SnapshotData]
) -> None:
    register_boards(empty_store)
    empty_store.save_snapshots(arena_snapshots[:3])
    rejected = later_board(arena_snapshots[2], "2024-08-01")
    rejected.status = "rejected"  # how an importer marks it; `status=` is the store's own way to say it
    empty_store.save_snapshots([rejected], status="rejected")
    assert empty_store.latest_snapshot("arena-raw", "overall").as_of == "2024-07-10"
    assert empty_store.latest_snapshot("arena-raw", "overall", on_or_before="2024-07-09").as_of == "2024-07-07"
    assert empty_store.latest_snapshot("arena-raw", "overall", on_or_before="2024-01-01") is None
    assert empty_store.latest_snapshot("arena-raw", "coding") is None
    assert empty_store.categories("arena-raw") == ["overall"]
    assert [s.status for s in empty_store.snapshots("arena-raw")] == ["ok", "ok", "ok", "rejected"]
    newest_ok = max(s.id for s in empty_store.snapshots("arena-raw", accepted=True))
    assert empty_store.newest_accepted() == {"arena-raw": newest_ok}  # the rejected one is newer, and not it


def test_entries_come_in_rank_order(store: Store) -> None:
    latest = store.latest_snapshot("arena-raw", "overall")
    entries = store.entries(latest.id)
    assert len(entries) == latest.row_count == 182
    keys = [(e["rank"], -e["score"], e["name"]) for e in entries]
    assert keys == sorted(keys)


def test_seeded_boards_and_snapshots(store: Store) -> None:
    assert store.boards() == sorted(board_ids())
    assert [(s.as_of, s.row_count) for s in store.snapshots("open-llm")] == [
        ("2024-12-11", 2209),
        ("2025-01-01", 2695),
        ("2025-03-21", 4576),
    ]
    assert len(store.snapshots("arena-raw")) == 39
    assert not store.is_empty()


# --- organizations ------------------------------------------------------------------------------------------


def arena_entries_of(store: Store, raw_organization: str) -> list[dict]:
    latest = store.latest_snapshot("arena-raw", "overall")
    return [e for e in read_entries(store, latest) if e["raw_organization"] == raw_organization]


def test_a_new_organization_shows_in_entries_at_once(store: Store) -> None:
    assert {(e["organization"], e["country"]) for e in arena_entries_of(store, "Nomic AI")} == {("Nomic AI", None)}
    org = store.set_organization("Nomic AI", country="us", aliases=["nomic-ai"])
    assert (org.name, org.country, org.origin) == ("Nomic AI", "US", "user")
    assert set(org.aliases) == {"nomicai"}
    assert {(e["organization"], e["country"]) for e in arena_entries_of(store, "Nomic AI")} == {("Nomic AI", "US")}


def test_a_community_namespace_can_be_given_an_organization(store: Store) -> None:
    latest = store.latest_snapshot("open-llm", "overall")
    store.set_organization("Jaspion Jader", country="BR", aliases=["jaspionjader"])
    rows = [e for e in read_entries(store, latest) if e["raw_organization"] == "jaspionjader"]
    assert len(rows) == 197
    assert {(e["organization"], e["country"]) for e in rows} == {("Jaspion Jader", "BR")}


def test_a_country_can_be_corrected_and_is_kept_when_not_given(store: Store) -> None:
    store.set_organization("Nomic AI", country="CA")
    corrected = store.set_organization("nomic ai", country="US")  # names match without case
    assert (corrected.name, corrected.country) == ("Nomic AI", "US")
    assert store.set_organization("Nomic AI", country=None, aliases=["Nomic"]).country == "US"
    assert {e["country"] for e in arena_entries_of(store, "Nomic AI")} == {"US"}
    assert sum(o.name == "Nomic AI" for o in store.organizations()) == 1


def test_an_alias_moves_to_the_organization_that_claims_it(store: Store) -> None:
    assert {e["organization"] for e in arena_entries_of(store, "Tsinghua")} == {"Zhipu AI"}
    store.set_organization("Tsinghua University", country="CN", aliases=["Tsinghua"])
    assert {e["organization"] for e in arena_entries_of(store, "Tsinghua")} == {"Tsinghua University"}
    zhipu = next(o for o in store.organizations() if o.name == "Zhipu AI")
    assert "tsinghua" not in zhipu.aliases
    assert {"zhipu", "zhipuai", "thudm", "zai", "zaiorg"} <= set(zhipu.aliases)
    assert {e["organization"] for e in arena_entries_of(store, "Zhipu AI")} == {"Zhipu AI"}


@pytest.mark.parametrize(
    ("name", "country", "message"),
    [
        ("Nomic AI", "USA", "'USA' is not a two-letter ISO country code"),
        ("Nomic AI", "China", "'CHINA' is not a two-letter ISO country code"),
        ("Nomic AI", "C1", "'C1' is not a two-letter ISO country code"),
        ("Nomic AI", " ", "'' is not a two-letter ISO country code"),
        ("   ", "US", "an organization needs a name"),
    ],
)
def test_bad_organization_edits_are_refused_and_change_nothing(
    empty_store: Store, name: str, country: str, message: str
) -> None:
    store = empty_store
    store.set_organization("Nomic AI", country="US")
    before = store.organizations()
    with pytest.raises(StoreError, match=message):
        store.set_organization(name, country=country, aliases=["nomic-ai"])
    assert store.organizations() == before


def test_seeding_organizations_again_keeps_user_edits_and_adds_what_is_new(store: Store) -> None:
    store.set_organization("Alibaba", country="SG", aliases=["Tongyi"])
    rows = [
        {"organization": "Alibaba", "country": "CN", "hf_namespaces": "Qwen", "arena_names": "Alibaba-ATH|Tongyi"},
        {"organization": "X", "country": "", "hf_namespaces": "", "arena_names": ""},
    ]
    assert store.seed_organizations(rows) == 1  # X
    orgs = {o.name: o for o in store.organizations()}
    assert (orgs["Alibaba"].country, orgs["Alibaba"].origin) == ("SG", "user")
    assert {"alibabaath", "tongyi", "qwen"} <= set(orgs["Alibaba"].aliases)
    assert orgs["X"].country is None
    assert store.seed_organizations(rows) == 0


def test_seeding_an_empty_store(empty_store: Store) -> None:
    rows = [
        {"organization": "DeepSeek", "country": "CN", "hf_namespaces": "deepseek-ai", "arena_names": "DeepSeek AI"},
        {"organization": "Anthropic", "country": "US", "hf_namespaces": "", "arena_names": "Anthropic"},
    ]
    assert empty_store.seed_organizations(rows) == 2
    orgs = {o.name: o for o in empty_store.organizations()}
    assert orgs["DeepSeek"].aliases == ("deepseek", "deepseekai")
    assert orgs["Anthropic"].aliases == ("anthropic",)
    assert {o.origin for o in orgs.values()} == {"seed"}


def test_boards_found_upstream_in_one_second_come_oldest_first_then_by_dataset_and_config(empty_store: Store) -> None:
    """One Hub listing records several configs within a second: the engines must not each pick their own order."""
    found = [("lmarena-ai/arena", "text-zeta"), ("lmarena-ai/arena", "text-alpha"), ("a-mirror/arena", "text-zeta"),
             ("lmarena-ai/arena", "vision-early")]  # fmt: skip
    for dataset, config in found:
        empty_store.record_config(dataset, config, f"oid-{config}", f"{dataset}-{config}", "text")
    with empty_store.write():
        empty_store.db.execute(
            "UPDATE upstream_configs SET seen_at = CASE WHEN config = 'vision-early'"
            " THEN '2026-01-04T09:00:00+00:00' ELSE '2026-01-05T10:00:00+00:00' END"
        )
    assert [(dataset, config) for _, dataset, config, _ in empty_store.discovered_boards()] == [
        ("lmarena-ai/arena", "vision-early"),
        ("a-mirror/arena", "text-zeta"),
        ("lmarena-ai/arena", "text-alpha"),
        ("lmarena-ai/arena", "text-zeta"),
    ]


@pytest.fixture
def localised_store(engine: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store; on PostgreSQL, in a database of a UTF-8 locale, as a real server's are (the suite's server
    is in C, where lower() folds ASCII only whatever it is given, and would hide a fold left to the locale)."""
    if engine == "sqlite":
        with Store() as store:
            yield store
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    locale = cluster.utf8_locale()
    if locale is None:
        pytest.skip("this machine has no UTF-8 locale for PostgreSQL")
    name = f"localised_{WORKER}"
    with Store(cluster.create_database(name, locale=locale)) as store:
        yield store
    cluster.drop_database(name)


def test_an_organization_is_found_whatever_the_case_of_its_ascii_letters_and_only_those(
    localised_store: Store,
) -> None:
    """SQLite's NOCASE folds A-Z only, so PostgreSQL must too, whatever its server's locale folds: "Ünïcode Labs"
    and "ÜNïCODE LABS" are one organization on both engines, "üNïcode labs" another."""
    store = localised_store
    first = store.set_organization("Ünïcode Labs", country="DE")
    assert store.set_organization("Ünïcode Labs", country="FR").id == first.id  # its own name found again
    assert store.set_organization("ÜNïCODE LABS", country=None).id == first.id
    other = store.set_organization("üNïcode labs", country="AT")  # a non-ASCII letter's case: another name
    assert other.id != first.id and store.set_organization("ünïcode LABS", country=None).id == other.id
    store.set_organization("zeta", country="US")
    store.set_organization("Alpha", country="US")
    # by name, ASCII case folded: A-Z sort with a-z, letters beyond ASCII by their code points
    assert [o.name for o in store.organizations()] == ["Alpha", "zeta", "Ünïcode Labs", "üNïcode labs"]
    assert {o.name: o.country for o in store.organizations()}["Ünïcode Labs"] == "FR"


def test_a_model_named_beyond_ascii_is_one_model_whatever_the_case_a_board_writes(localised_store: Store) -> None:
    """A model's identity is its key, folded in Python (`model_key`), so no engine's own fold ever decides it."""
    register_boards(localised_store)

    def board(as_of: str, name: str) -> SnapshotData:
        rows = [{"name": name, "model_key": model_key(name), "rank": 1, "score": 1300.0, "organization": "Acme"}]
        return SnapshotData("arena-raw", "overall", as_of, rows, f"unicode-{as_of}")

    saved = localised_store.save_snapshots([board("2024-07-01", "Ünïcode-7B"), board("2024-07-08", "üNïcode-7b")])
    read = [localised_store.entries(s.snapshot.id)[0] for s in saved]
    assert read[0]["model_id"] == read[1]["model_id"]
    assert [e["name"] for e in read] == ["Ünïcode-7B", "üNïcode-7b"]  # each as its board wrote it


def test_a_models_words_are_looked_up_one_name_at_a_time_on_the_boards_asked(store: Store) -> None:
    """V18: a question's words are a model's name (normal) or its name without the namespace (bare), on the boards
    asked about only."""
    normal, bare, board = store.db.execute(
        "SELECT normal, min(bare), min(board) FROM models WHERE normal != bare"
        " AND normal NOT IN (SELECT bare FROM models WHERE bare IS NOT NULL)"
        " GROUP BY normal HAVING count(DISTINCT board) = 1 ORDER BY normal LIMIT 1"
    ).fetchone()  # a name with a namespace, on one board only
    others = [b for b in store.boards() if b != board]
    assert store.is_model_word([board], normal) and store.is_model_word([board, *others], bare)
    assert not store.is_model_word(others, normal)
    assert not store.is_model_word([board], "no such model") and not store.is_model_word([], normal)


def test_closing_the_store(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        s.set_organization("Example", country="FR")
    with pytest.raises(sqlite3.ProgrammingError):
        s.db.execute("SELECT 1")
    with Store(tmp_path / "s.db") as reopened:
        assert [o.name for o in reopened.organizations()] == ["Example"]


def test_a_name_is_stored_once_per_model_and_read_as_the_board_wrote_it(
    store: Store, arena_snapshots: list[SnapshotData]
) -> None:
    """A row's name is the model's unless the board spelt it otherwise that day; either way it reads as written."""
    shouted = later_board(arena_snapshots[-1], "2025-01-06", rename=str.upper)  # the same models, spelt otherwise
    (saved,) = store.save_snapshots([shouted])
    rows = store.entries(saved.snapshot.id)
    assert sorted(r["name"] for r in rows) == sorted(shouted.columns["name"])
    assert all(r["name"] == r["name"].upper() for r in rows)
    latest = store.snapshots("arena-raw")[-2]
    assert sorted(r["name"] for r in store.entries(latest.id)) == sorted(arena_snapshots[-1].columns["name"])
    first = dict(store.db.execute("SELECT key, name FROM models WHERE board = 'arena-raw'").fetchall())
    boards = (arena_snapshots[-1], shouted)
    pairs = [pair for b in boards for pair in zip(b.columns["model_key"], b.columns["name"], strict=True)]
    differ = sum(name != first[key] for key, name in pairs)
    assert 0 < differ < len(rows) + len(arena_snapshots[-1])  # real boards spell a model otherwise, now and then
    (spelt,) = store.db.execute(
        "SELECT count(name) FROM entries WHERE snapshot_id IN (?, ?)", [latest.id, saved.snapshot.id]
    ).fetchone()
    assert spelt == differ  # a name is stored where it is not the model's own only


def model_index(store: Store) -> str | None:
    row = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_by_model'").fetchone()
    return None if row is None else row[0]


def model_index_page(store: Store) -> int:
    """Where the index begins in the file: a low page when the schema made it, past the rows when built after them."""
    return store.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'entries_by_model'").fetchone()[0]


@pytest.mark.sqlite_only  # SQLite's way to a fast import; PostgreSQL COPYs the rows and keeps its index
def test_an_import_larger_than_the_store_builds_the_model_index_once_and_stores_the_same(
    arena_snapshots: list[SnapshotData], empty_store: Store, tmp_path: Path
) -> None:
    register_boards(empty_store)
    index = model_index(empty_store)
    empty_store.save_snapshots(arena_snapshots)  # row by row: the store holds fewer rows than BULK_ROWS
    with Store(tmp_path / "bulk.db") as bulk:
        register_boards(bulk)
        bulk.save_snapshots(arena_snapshots, expected_rows=BULK_ROWS)  # the file says it may bring that many
        assert model_index(bulk) == index
        assert model_index_page(bulk) > model_index_page(empty_store)  # made again after the rows were in
        assert bulk.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for snapshot in empty_store.snapshots():
            assert bulk.entries(snapshot.id) == empty_store.entries(snapshot.id)
        plan = " ".join(r[-1] for r in bulk.db.execute("EXPLAIN QUERY PLAN SELECT * FROM entries WHERE model_id = 7"))
        assert "entries_by_model" in plan


@pytest.mark.sqlite_only
def test_a_failed_bulk_import_leaves_the_store_and_its_index_as_they_were(
    store: Store, arena_snapshots: list[SnapshotData]
) -> None:
    before, index = fingerprint(store), model_index(store)
    good = later_board(arena_snapshots[-1], "2025-01-06")
    bad = later_board(arena_snapshots[-1], "2025-01-13")
    bad.columns["score"][150] = None  # entries.score is NOT NULL: fails after `good` is written, index dropped
    (stored,) = store.db.execute("SELECT max(id) FROM entries").fetchone()
    with pytest.raises(INTEGRITY_ERRORS, match=SCORE_NOT_NULL):
        store.save_snapshots([good, bad], expected_rows=max(BULK_ROWS, stored + 1))
    assert fingerprint(store) == before
    assert model_index(store) == index is not None
