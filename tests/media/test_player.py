"""The prompt player and its comfort audio (Q10: a caller never hears dead air by accident):
exactly one 20 ms frame per call, prompts in order, each playback finished once, barge-in
drops the queue, and comfort audio loops without a seam."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.media import player as player_module
from vaxel.media.g711 import ULAW_SILENCE
from vaxel.media.player import FRAME_BYTES, Comfort, Loop, Player

SILENT = bytes([ULAW_SILENCE]) * FRAME_BYTES


def audio(length: int, start: int = 0) -> bytes:
    """Recognisable bytes that never contain the silence code."""
    return bytes((start + n) % 200 for n in range(length))


def frames(player: Player, count: int) -> list[bytes]:
    return [player.frame() for _ in range(count)]


def test_frames_are_20_ms_of_8_khz_g711() -> None:
    assert FRAME_BYTES == 160


def test_an_idle_player_sends_silence_frames() -> None:
    player = Player()
    assert frames(player, 3) == [SILENT] * 3
    assert not player.playing and player.finished == []


def test_prompts_play_in_order_and_the_last_frame_is_padded_with_silence() -> None:
    player = Player()
    first, second = audio(400), audio(160, 77)
    player.play("p1", [first, second])
    assert player.playing
    out = frames(player, 5)
    assert out[0] == first[:160] and out[1] == first[160:320]
    assert out[2] == first[320:] + bytes([ULAW_SILENCE]) * 80
    assert out[3] == second
    assert out[4] == SILENT
    assert not player.playing


def test_a_playback_is_finished_once_after_its_last_frame_went_out() -> None:
    player = Player()
    player.play("p1", [audio(320), audio(160)])
    player.frame(), player.frame()
    assert player.finished == []  # two prompts: the first one ending is not the playback
    player.frame()
    assert player.finished == ["p1"]
    player.finished.clear()
    frames(player, 10)
    assert player.finished == []


def test_queued_playbacks_finish_one_after_the_other() -> None:
    player = Player()
    player.play("a", [audio(160)])
    player.play("b", [audio(320)])
    player.frame()
    assert player.finished == ["a"]
    player.frame(), player.frame()
    assert player.finished == ["a", "b"]


def test_an_empty_playback_finishes_at_once_and_empty_prompts_take_no_time() -> None:
    player = Player()
    player.play("nothing", [])
    assert player.finished == ["nothing"]
    player.play("blank", [b"", audio(160), b""])
    assert player.frame() == audio(160)
    assert player.frame() == SILENT  # the trailing empty prompt adds no frame of its own
    assert player.finished == ["nothing", "blank"]


def test_an_empty_playback_queued_behind_another_finishes_after_it() -> None:
    player = Player()
    player.play("welcome", [audio(320)])
    player.play("nothing", [])
    assert player.finished == []
    frames(player, 2)
    assert player.finished == ["welcome", "nothing"]


def test_stop_drops_the_queue_without_finishing_it_barge_in() -> None:
    player = Player()
    player.play("long", [audio(1600)])
    player.frame()
    player.stop()
    assert not player.playing
    assert player.frame() == SILENT
    assert player.finished == []
    player.play("next", [audio(160, 5)])
    assert player.frame() == audio(160, 5)  # a new prompt starts at its beginning


def test_comfort_audio_fills_the_gaps_and_loops_without_a_seam() -> None:
    player = Player()
    music = audio(1000)  # not a multiple of 160: the loop wraps inside a frame
    player.set_comfort(music)
    out = b"".join(frames(player, 25))  # 4000 bytes = 4 loops
    assert out == music * 4


@given(st.integers(min_value=1, max_value=700), st.integers(min_value=1, max_value=8))
def test_any_loop_length_plays_without_a_seam_shared_or_cut_as_it_plays(
    length: int, laps: int
) -> None:
    """Issue 11 (Benchmarks): the frames of a loop are cut once and shared by every player of
    the same audio; a loop too long to cut in advance is cut as it plays — the same sound."""
    music = audio(length, 7)
    shared = Loop(music)
    first, second = Player(), Player()
    first.set_comfort(shared)
    second.set_comfort(shared)
    count = -(-length * laps // FRAME_BYTES)
    expected = (music * (count * FRAME_BYTES // length + 1))[: count * FRAME_BYTES]
    assert b"".join(frames(first, count)) == expected
    assert b"".join(frames(second, count)) == expected  # each player keeps its own place
    if length >= FRAME_BYTES:
        cut = Player()
        original = player_module.MAX_CUT_BYTES
        player_module.MAX_CUT_BYTES = 0
        try:
            cut.set_comfort(music)
        finally:
            player_module.MAX_CUT_BYTES = original
        assert not isinstance(cut.loop.frames, tuple)
        assert b"".join(frames(cut, count)) == expected


def test_players_of_the_same_loop_share_its_frames() -> None:
    music = audio(1600)
    loop = Loop(music)
    first, second = Player(), Player()
    first.set_comfort(loop)
    second.set_comfort(loop)
    assert first.frame() is second.frame()  # one object, not a copy per caller
    second.set_comfort(loop)  # the same loop again goes on where it was
    assert second.frame() == music[160:320]


def test_music_resumes_where_it_left_off_after_a_prompt() -> None:
    player = Player()
    music = audio(1600, 3)
    player.set_comfort(music)
    before = frames(player, 2)
    player.play("notice", [audio(160, 150)])
    assert player.frame() == audio(160, 150)
    after = frames(player, 2)
    assert before + after == [music[n * 160 : (n + 1) * 160] for n in range(4)]


def test_setting_the_same_comfort_again_does_not_restart_it() -> None:
    player = Player()
    music = audio(1600)
    player.set_comfort(music)
    player.frame()
    player.set_comfort(music)
    assert player.frame() == music[160:320]
    player.set_comfort(audio(1600, 9))  # another source starts at its beginning
    assert player.frame() == audio(160, 9)


def test_empty_comfort_is_silence() -> None:
    player = Player()
    player.set_comfort(audio(800))
    player.frame()
    player.set_comfort(b"")
    assert player.frame() == SILENT


def test_comfort_choices() -> None:
    assert {c.value for c in Comfort} == {"silence", "ringback", "music"}


@given(
    st.lists(st.lists(st.integers(0, 700), min_size=1, max_size=3), max_size=4),
    st.integers(160, 2000),
    st.integers(1, 60),
)
def test_every_frame_is_exactly_160_bytes_and_playbacks_finish_once_in_order(
    playbacks: list[list[int]], comfort_length: int, ticks: int
) -> None:
    player = Player()
    player.set_comfort(audio(comfort_length))
    expected = [f"p{n}" for n in range(len(playbacks))]
    for name, lengths in zip(expected, playbacks, strict=True):
        player.play(name, [audio(length) for length in lengths])
    for _ in range(ticks):
        assert len(player.frame()) == FRAME_BYTES
        assert player.finished == expected[: len(player.finished)]
    enough = sum(-(-length // 160) + 1 for lengths in playbacks for length in lengths)
    frames(player, enough)
    assert player.finished == expected
    assert not player.playing


@pytest.mark.parametrize("length", [50, 100, 130])
def test_a_comfort_loop_shorter_than_a_frame_still_gives_whole_seamless_frames(
    length: int,
) -> None:
    player = Player()
    click = audio(length)
    player.set_comfort(click)
    out = frames(player, 10)
    assert all(len(frame) == FRAME_BYTES for frame in out)
    assert b"".join(out) == (click * (1600 // length + 1))[:1600]
