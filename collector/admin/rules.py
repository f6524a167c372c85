"""Rules: the ordered rule list agents categorise windows with (first match wins).

Each change (add, edit, delete, move) stores a new rule version, exactly as
``PUT /api/v1/rules`` does, and agents pick it up with their next policy
fetch. A rule is checked by `shared.payload.Rule`, the model the API checks
with, so a regex the API would refuse is refused here, naming the field.

Every form carries the rule version it was made from; a change made from an
older version is refused (another admin changed the list meanwhile), because
"rule 3" may no longer be the rule the admin was looking at.

The test box runs `shared.rules.RuleSet`, the agent's own matcher, on the
server. The app name and window title typed there are used for that one
answer and are not stored or logged.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import flash, g, redirect, render_template, request, url_for
from pydantic import ValidationError

from collector.admin import bp
from collector.admin.forms import FormErrors, audit, int_or_none
from collector.db import get_store
from shared.catalogue import CATEGORY_IDS, category_name
from shared.payload import Rule
from shared.rules import MAX_TITLE_CHARS, RuleSet

MAX_RULES = 2000  # as the API's RulesIn
MAX_APP_CHARS = 128  # as the wire's AppName
UNCATEGORISED_DAYS = 28
FIELDS = ("app", "title", "category", "client")
TEST_FIELDS = ("test_app", "test_title")
LIST_FIELDS = ("version", "index", "direction")  # about the list, not a form field

FRIENDLY = {
    "client": "client: a client key: lower-case letters, digits, '-' and '_' (e.g. acme).",
    "category": "category: choose one of the categories.",
}


def _categories() -> list[tuple[str, str]]:
    return [("", "Choose a category")] + [(c, f"{category_name(c)} ({c})") for c in CATEGORY_IDS]


def rule_from_form(form: dict) -> tuple[dict | None, FormErrors]:
    """The stored form of a rule (as the API stores it), or the errors naming fields."""
    errors = FormErrors()
    data: dict = {"category": form.get("category", "")}
    for name in ("app", "title", "client"):
        if form.get(name):
            data[name] = form[name]
    if form.get("passive_active"):
        data["passive_active"] = True
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else ""
            message = str(err["msg"]).removeprefix("Value error, ")
            if not field:
                head, sep, _rest = message.partition(":")
                field = head if sep and head in FIELDS else "app"
            if field not in FIELDS:
                field = "app"
            if field in FRIENDLY and err["type"] in ("string_pattern_mismatch", "literal_error"):
                message = FRIENDLY[field]
            elif err["type"] == "string_too_long":
                message = f"{field}: use at most 500 characters."
            elif not message.startswith(f"{field}:"):
                message = f"{field}: {message}"
            if field == "app" and message.startswith("app: give app, title or both"):
                message = "app: give an app pattern, a title pattern or both."
            errors.add(field, message)
        return None, errors
    return rule.model_dump(exclude_defaults=True), errors


def _form_from_rule(rule: dict, index: int | None) -> dict:
    return {
        "index": "" if index is None else str(index),
        "app": rule.get("app") or "",
        "title": rule.get("title") or "",
        "category": rule.get("category", ""),
        "client": rule.get("client") or "",
        "passive_active": bool(rule.get("passive_active")),
    }


def _page(
    *,
    form: dict | None = None,
    errors: FormErrors | None = None,
    test: dict | None = None,
    status: int = 200,
):
    store = get_store()
    version, rules = store.current_rules()
    end = date.today()
    start = end - timedelta(days=UNCATEGORISED_DAYS - 1)
    apps = store.uncategorised_apps(start.isoformat(), end.isoformat())
    if form is None:
        form = _form_from_rule({}, None)
        edit = int_or_none(request.args.get("edit", ""))
        if edit is not None and 0 <= edit < len(rules):
            form = _form_from_rule(rules[edit], edit)
        elif request.args.get("app"):
            app = request.args["app"][:MAX_APP_CHARS]
            form["app"] = f"^{re.escape(app)}$"
    body = render_template(
        "admin/rules.html",
        page="rules",
        version=version,
        info=store.rule_version_info(),
        rules=rules,
        names={c: category_name(c) for c in CATEGORY_IDS},
        categories=_categories(),
        clients=store.clients(),
        form=form,
        test_errors={k: v for k, v in (errors or {}).items() if k in TEST_FIELDS},
        form_errors={k: v for k, v in (errors or {}).items() if k not in TEST_FIELDS + LIST_FIELDS},
        list_errors=[v for k, v in (errors or {}).items() if k in LIST_FIELDS],
        test=test,
        apps=apps,
        apps_from=start,
        apps_to=end,
        max_title=MAX_TITLE_CHARS,
    )
    return body, status


@bp.get("/rules")
def rules():
    return _page()


def _store_rules(expected: int | None, new_rules: list[dict], change: str) -> int | None:
    store = get_store()
    if expected is None:
        return None
    with store.write():
        version = store.replace_rules_if_current(expected, new_rules, _actor())
        if version is not None:
            audit("rules.replace", f"v{version}", {"count": len(new_rules), "change": change})
    return version


def _actor() -> str:
    return g.principal.label


def _stale(version: int) -> str:
    return (
        f"version: the rules were changed by someone else meanwhile (now version {version}). "
        "Nothing was saved; check the list and try again."
    )


@bp.post("/rules")
def save_rule():
    store = get_store()
    version, current = store.current_rules()
    form = {
        "index": request.form.get("index", "")[:10],
        "app": request.form.get("app", "")[:1000],
        "title": request.form.get("title", "")[:1000],
        "category": request.form.get("category", "")[:100],
        "client": request.form.get("client", "").strip()[:100],
        "passive_active": request.form.get("passive_active") == "true",
        "position": request.form.get("position", "")[:10],
    }
    rule, errors = rule_from_form(form)
    index = int_or_none(form["index"]) if form["index"] else None
    if form["index"] and (index is None or not 0 <= index < len(current)):
        errors.add("index", "rule: the rule you were editing no longer exists.")
    position = None
    if form["position"]:
        position = int_or_none(form["position"])
        if position is None or not 1 <= position <= len(current) + 1:
            errors.add("position", f"position: a number from 1 to {len(current) + 1}.")
    if index is None and len(current) >= MAX_RULES:
        errors.add("app", f"rules: at most {MAX_RULES} rules; delete some first.")
    expected = int_or_none(request.form.get("version", ""))
    if not errors and expected != version:
        errors.add("version", _stale(version))
    if errors or rule is None:
        return _page(form=form, errors=errors, status=400)
    new_rules = list(current)
    if index is None:
        at = (position - 1) if position else len(new_rules)
        new_rules.insert(at, rule)
        change = f"added rule {at + 1}"
    else:
        new_rules[index] = rule
        change = f"edited rule {index + 1}"
    saved = _store_rules(expected, new_rules, change)
    if saved is None:
        errors.add("version", _stale(store.current_rules()[0]))
        return _page(form=form, errors=errors, status=409)
    flash(
        f"Rule saved ({change}); agents get rules version {saved} with their next policy.",
        "success",
    )
    return redirect(url_for("admin.rules"))


def _list_change(index: int, how: str):
    store = get_store()
    version, current = store.current_rules()
    expected = int_or_none(request.form.get("version", ""))
    errors = FormErrors()
    if not 0 <= index < len(current):
        errors.add("index", "rule: that rule no longer exists.")
    elif expected != version:
        errors.add("version", _stale(version))
    if errors:
        return _page(errors=errors, status=409)
    new_rules = list(current)
    if how == "delete":
        del new_rules[index]
        change = f"deleted rule {index + 1}"
    else:
        other = index - 1 if how == "up" else index + 1
        if not 0 <= other < len(new_rules):
            return redirect(url_for("admin.rules"))
        new_rules[index], new_rules[other] = new_rules[other], new_rules[index]
        change = f"moved rule {index + 1} {how}"
    saved = _store_rules(expected, new_rules, change)
    if saved is None:
        errors.add("version", _stale(store.current_rules()[0]))
        return _page(errors=errors, status=409)
    flash(f"Rules saved ({change}); now version {saved}.", "success")
    return redirect(url_for("admin.rules", _anchor="rules-list"))


@bp.post("/rules/<int:index>/delete")
def delete_rule(index: int):
    return _list_change(index, "delete")


@bp.post("/rules/<int:index>/move")
def move_rule(index: int):
    how = request.form.get("direction", "")
    if how not in ("up", "down"):
        return _page(errors=FormErrors(direction="direction: up or down."), status=400)
    return _list_change(index, how)


@bp.post("/rules/test")
def test_rule():
    """Which rule a window would match. Nothing typed here is stored or logged."""
    errors = FormErrors()
    app = request.form.get("test_app", "").strip()
    title = request.form.get("test_title", "")
    if not app and not title:
        errors.add("test_app", "test app: give an app name, a window title or both.")
    if len(app) > MAX_APP_CHARS:
        errors.add("test_app", f"test app: use at most {MAX_APP_CHARS} characters.")
    if len(title) > MAX_TITLE_CHARS:
        errors.add("test_title", f"test title: use at most {MAX_TITLE_CHARS} characters.")
    test: dict = {"app": app[:MAX_APP_CHARS], "title": title[:MAX_TITLE_CHARS]}
    if errors:
        return _page(test=test, errors=errors, status=400)
    version, current = get_store().current_rules()
    match = RuleSet.from_dicts(current, version).match(app, title)
    test["match"] = match
    test["category_name"] = category_name(match.category)
    test["rule"] = current[match.rule_index] if match.rule_index is not None else None
    return _page(test=test)
