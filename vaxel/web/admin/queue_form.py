"""The queue editor's form (Q14–Q20, Q25, CB1–CB11): a flat, text-only view of a
:class:`~vaxel.acd.model.QueueConfig`.

Every input is named by the config's own dotted path (``wrap_up_s``,
``overflow[1].max_wait_s``, ``callback.offer_rules.between[0]``), so a
:class:`~vaxel.core.errors.ConfigError` points straight at the input to mark. The form keeps
what the admin typed as text: a refused form comes back exactly as it was sent (nothing
typed is lost), and only a valid form becomes a config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from vaxel.acd.model import (
    AutoClose,
    CallbackInterval,
    CallbackOfferRules,
    CallbackSettings,
    Channel,
    OverflowAction,
    OverflowRule,
    OverflowTarget,
    OverflowTrigger,
    QueueConfig,
    StandbyThresholds,
    Strategy,
)
from vaxel.core.errors import ConfigError
from vaxel.web.admin.queue_labels import ACTIONS, CHANNELS, STRATEGIES, TRIGGERS

__all__ = ["QueueForm"]

BLANK_ROWS = 1
"""Empty rows offered after the existing overflow rules and callback intervals."""


def _text(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(values: Mapping[str, str], prefix: str) -> int:
    found = [
        int(m.group(1)) for k in values if (m := re.match(rf"^{re.escape(prefix)}\[(\d+)\]", k))
    ]
    return max(found, default=-1) + 1


@dataclass
class QueueForm:
    """The form's inputs as the admin typed them, input name → text."""

    values: dict[str, str] = field(default_factory=dict)
    overflow_rows: list[int] = field(default_factory=list)
    """Form row of each config overflow rule (blank rows are skipped)."""
    interval_rows: list[int] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: Mapping[str, object]) -> QueueForm:
        return cls({k: v.strip() for k, v in form.items() if isinstance(v, str)})

    @classmethod
    def from_config(cls, config: QueueConfig) -> QueueForm:
        v: dict[str, str] = {
            "queue_id": config.queue_id,
            "name": config.name,
            "strategy": config.strategy.value,
            "offer_timeout_s": _text(config.offer_timeout_s),
            "ring_count": _text(config.ring_count),
            "wrap_up_s": _text(config.wrap_up_s),
            "priority": _text(config.priority),
            "service_level_s": _text(config.service_level_s),
            "service_level_goal": _text(round(config.service_level_goal * 100, 2)),
            "short_abandon_s": _text(config.short_abandon_s),
            "sticky_window_s": _text(config.sticky_window_s),
            "private_max_wait_s": _text(config.private_max_wait_s),
            "linear_order": ", ".join(config.linear_order),
            "opening_schedule_id": config.schedule_id,
        }
        for i, rule in enumerate(config.overflow):
            row = f"overflow[{i}]"
            v |= {
                f"{row}.trigger": rule.trigger.value,
                f"{row}.max_length": _text(rule.max_length or None),
                f"{row}.max_wait_s": _text(rule.max_wait_s or None),
            }
            v |= _target(f"{row}.target", rule.target)
            v |= {f"{row}.channels.{c.value}": "on" for c in rule.channels}
        if config.auto_close is not None:
            a = config.auto_close
            v |= {
                "auto_close.enabled": "on",
                "auto_close.close_at_length": _text(a.close_at_length or None),
                "auto_close.close_at_wait_s": _text(a.close_at_wait_s or None),
                "auto_close.reopen_below_length": _text(a.reopen_below_length),
                "auto_close.reopen_below_wait_s": _text(a.reopen_below_wait_s),
            }
            v |= _target("auto_close.target", a.target)
        if config.standby is not None:
            s = config.standby
            v |= {
                "standby.enabled": "on",
                "standby.activate_waiting": _text(s.activate_waiting or None),
                "standby.activate_wait_s": _text(s.activate_wait_s or None),
                "standby.release_waiting": _text(s.release_waiting),
                "standby.release_wait_s": _text(s.release_wait_s),
            }
        c, rules = config.callback, config.callback.offer_rules
        v |= {
            "callback.retry_delay_s": _text(c.retry_delay_s),
            "callback.max_attempts": _text(c.max_attempts),
            "callback.priority": _text(c.priority),
            "callback.schedule_id": c.schedule_id,
            "callback.offer_rules.more_waiting_than": _text(rules.more_waiting_than),
            "callback.offer_rules.estimated_wait_over_s": _text(rules.estimated_wait_over_s),
            "callback.offer_rules.average_wait_over_s": _text(rules.average_wait_over_s),
        }
        flags = {
            "callback.enabled": c.enabled,
            "callback.forced": c.forced,
            "callback.create_on_abandon": c.create_on_abandon,
            "callback.offer_rules.always": rules.always,
        }
        v |= {name: "on" for name, on in flags.items() if on}
        if rules.between is not None:
            v["callback.offer_rules.between[0]"], v["callback.offer_rules.between[1]"] = (
                rules.between
            )
        for i, interval in enumerate(c.intervals):
            row = f"callback.intervals[{i}]"
            v |= {
                f"{row}.interval_id": interval.interval_id,
                f"{row}.start": interval.start,
                f"{row}.end": interval.end,
                f"{row}.prompt_id": interval.prompt_id,
            }
        return cls({k: value for k, value in v.items() if value})

    def rows(self, prefix: str) -> range:
        """The rows to show of a repeated part: those filled in, and a blank one."""
        return range(_rows(self.values, prefix) + BLANK_ROWS)

    # -- text → config ------------------------------------------------------------------

    def config(self, tenant_id: str, queue_id: str) -> QueueConfig:
        """The config the form describes; ConfigError names the input (form row numbers)."""
        strategy = self._choice("strategy", STRATEGIES, "strategy")
        goal = self._number("service_level_goal", 80.0)
        overflow = self._overflow()
        auto_close = self._auto_close() if self._flag("auto_close.enabled") else None
        standby = self._standby() if self._flag("standby.enabled") else None
        callback = self._callback()
        order = tuple(a.strip() for a in self._text("linear_order").split(",") if a.strip())
        try:
            return QueueConfig(
                tenant_id,
                queue_id,
                self._text("name"),
                Strategy(strategy),
                offer_timeout_s=self._number("offer_timeout_s", 20.0),
                ring_count=self._integer("ring_count", 0),
                wrap_up_s=self._number("wrap_up_s", 0.0),
                priority=self._integer("priority", 0),
                linear_order=order,
                sticky_window_s=self._number("sticky_window_s", 0.0),
                private_max_wait_s=self._number("private_max_wait_s", 300.0),
                overflow=overflow,
                auto_close=auto_close,
                standby=standby,
                callback=callback,
                service_level_s=self._number("service_level_s", 20.0),
                service_level_goal=goal / 100,
                short_abandon_s=self._number("short_abandon_s", 5.0),
                schedule_id=self._text("opening_schedule_id"),
            )
        except ConfigError as error:
            raise error.at(self.form_field(error)) from None

    def form_field(self, error: ConfigError) -> str:
        """The input a config's error is about (config rule numbers → form rows)."""
        name = error.field.removeprefix("queue.")
        if name == "schedule_id":
            return "opening_schedule_id"
        for prefix, rows in (
            ("overflow", self.overflow_rows),
            ("callback.intervals", self.interval_rows),
        ):
            match = re.match(rf"^{re.escape(prefix)}\[(\d+)\]", name)
            if match and int(match.group(1)) < len(rows):
                row = rows[int(match.group(1))]
                name = f"{prefix}[{row}]" + name[match.end() :]
        return name

    def _overflow(self) -> tuple[OverflowRule, ...]:
        rules: list[OverflowRule] = []
        self.overflow_rows = []
        for i in range(_rows(self.values, "overflow")):
            row = f"overflow[{i}]"
            if not self._text(f"{row}.trigger"):
                continue  # a blank row, or a rule the admin cleared
            trigger = self._choice(f"{row}.trigger", TRIGGERS, "trigger")
            target = self._target(f"{row}.target")
            channels = tuple(Channel(c) for c in CHANNELS if self._flag(f"{row}.channels.{c}"))
            try:
                rule = OverflowRule(
                    OverflowTrigger(trigger),
                    target,
                    max_length=self._integer(f"{row}.max_length", 0),
                    max_wait_s=self._number(f"{row}.max_wait_s", 0.0),
                    channels=channels,
                )
            except ConfigError as error:
                raise error.within(row) from None
            rules.append(rule)
            self.overflow_rows.append(i)
        return tuple(rules)

    def _target(self, prefix: str) -> OverflowTarget:
        action = self._choice(f"{prefix}.action", ACTIONS, "overflow-action")
        try:
            return OverflowTarget(
                OverflowAction(action),
                self._text(f"{prefix}.queue_id") if action == "queue" else "",
                self._text(f"{prefix}.number") if action == "number" else "",
            )
        except ConfigError as error:
            raise error.within(prefix) from None

    def _auto_close(self) -> AutoClose:
        p = "auto_close"
        target = self._target(f"{p}.target")
        try:
            return AutoClose(
                self._integer(f"{p}.close_at_length", 0),
                self._number(f"{p}.close_at_wait_s", 0.0),
                self._integer(f"{p}.reopen_below_length", 0),
                self._number(f"{p}.reopen_below_wait_s", 0.0),
                target,
            )
        except ConfigError as error:
            raise error.within(p) from None

    def _standby(self) -> StandbyThresholds:
        p = "standby"
        try:
            return StandbyThresholds(
                self._integer(f"{p}.activate_waiting", 0),
                self._number(f"{p}.activate_wait_s", 0.0),
                self._integer(f"{p}.release_waiting", 0),
                self._number(f"{p}.release_wait_s", 0.0),
            )
        except ConfigError as error:
            raise error.within(p) from None

    def _callback(self) -> CallbackSettings:
        p, r = "callback", "callback.offer_rules"
        start, end = self._text(f"{r}.between[0]"), self._text(f"{r}.between[1]")
        if bool(start) != bool(end):
            raise ConfigError(f"{r}.between[{1 if start else 0}]", "both-times")
        try:
            rules = CallbackOfferRules(
                always=self._flag(f"{r}.always"),
                more_waiting_than=self._optional_integer(f"{r}.more_waiting_than"),
                estimated_wait_over_s=self._optional(f"{r}.estimated_wait_over_s"),
                average_wait_over_s=self._optional(f"{r}.average_wait_over_s"),
                between=(start, end) if start else None,
            )
        except ConfigError as error:
            raise error.within(r) from None
        intervals: list[CallbackInterval] = []
        self.interval_rows = []
        for i in range(_rows(self.values, f"{p}.intervals")):
            row = f"{p}.intervals[{i}]"
            texts = [self._text(f"{row}.{k}") for k in ("interval_id", "start", "end")]
            if not any(texts):
                continue
            try:
                interval_id, start, end = texts
                prompt_id = self._text(f"{row}.prompt_id")
                intervals.append(CallbackInterval(interval_id, start, end, prompt_id))
            except ConfigError as error:
                raise error.within(row) from None
            self.interval_rows.append(i)
        try:
            return CallbackSettings(
                enabled=self._flag(f"{p}.enabled"),
                forced=self._flag(f"{p}.forced"),
                offer_rules=rules,
                create_on_abandon=self._flag(f"{p}.create_on_abandon"),
                intervals=tuple(intervals),
                retry_delay_s=self._number(f"{p}.retry_delay_s", 900.0),
                max_attempts=self._integer(f"{p}.max_attempts", 3),
                priority=self._integer(f"{p}.priority", 0),
                schedule_id=self._text(f"{p}.schedule_id"),
            )
        except ConfigError as error:
            field_name = error.field
            match = re.match(r"^intervals\[(\d+)\]", field_name)
            if match:  # config interval number → form row
                form_row = self.interval_rows[int(match.group(1))]
                field_name = f"intervals[{form_row}]" + field_name[match.end() :]
            raise error.at(f"{p}.{field_name}") from None

    # -- reading one input --------------------------------------------------------------

    def _text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def _flag(self, name: str) -> bool:
        return bool(self._text(name))

    def _choice(self, name: str, choices: Mapping[str, str], rule: str) -> str:
        value = self._text(name)
        if value not in choices:
            raise ConfigError(name, rule)
        return value

    def _optional(self, name: str) -> float | None:
        text = self._text(name).replace(",", ".").replace("\u2212", "-")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(name, "number", value=text) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ConfigError(name, "number", value=text)
        return value

    def _number(self, name: str, default: float) -> float:
        value = self._optional(name)
        return default if value is None else value

    def _optional_integer(self, name: str) -> int | None:
        value = self._optional(name)
        if value is None:
            return None
        if not value.is_integer():
            raise ConfigError(name, "whole-number", value=self._text(name))
        return int(value)

    def _integer(self, name: str, default: int) -> int:
        value = self._optional_integer(name)
        return default if value is None else value


def _target(prefix: str, target: OverflowTarget) -> dict[str, str]:
    return {
        f"{prefix}.action": target.action.value,
        f"{prefix}.queue_id": target.queue_id,
        f"{prefix}.number": target.number,
    }
