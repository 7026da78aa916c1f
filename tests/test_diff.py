from tracker.diff import word_diff, word_diff_html, word_diff_sides


def test_it_marks_inserted_and_deleted_words():
    pieces = word_diff("army capped at 600,000", "army capped at 800,000 in peacetime")
    assert ("delete", "600") in pieces
    assert ("insert", "800") in pieces
    assert ("insert", " in peacetime") in pieces


def test_unchanged_text_has_only_equal_pieces():
    assert {op for op, _ in word_diff("same words", "same words")} == {"equal"}


def test_html_is_escaped_inside_the_marks():
    html = str(word_diff_html("a <b>", "a <script>x</script>"))
    assert "<script>" not in html
    assert "<ins>x&lt;/script&gt;</ins>" in html


def test_sides_mark_deletions_in_the_old_text_and_insertions_in_the_new():
    sides = word_diff_sides("army capped at 600,000", "army capped at <800,000>")
    assert str(sides.old) == "army capped at <del>600</del>,000"
    assert str(sides.new) == "army capped at <ins>&lt;800</ins>,000<ins>&gt;</ins>"
    assert sides.changed
    assert not word_diff_sides("same", "same").changed
