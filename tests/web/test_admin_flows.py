"""The IVR flow editor (IVR1–IVR7, ADM1, Q20): the form round-trips the stored flow, an
edit is stored and announced to the running telephony, a broken flow is refused naming the
node and field, tenants stay apart, CSRF is checked."""

from __future__ import annotations

import yaml
from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from tests.web.test_admin_schedules import configuration, form_of, post_data, replaced
from vaxel.flow import flow_from_dict
from vaxel.flow.model import Menu, Play
from vaxel.runtime.configuration import ConfigChange
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

FLOW = "/admin/flows/huvudflode"


def admin(web: Web) -> tuple[TestClient, str]:
    client = web.client()
    return client, sign_in(client, DEMO_TENANT, "admin")


def stored(web: Web) -> dict[str, object]:
    return configuration(web).documents("flow").get(DEMO_TENANT, "huvudflode")


def node_index(fields: list[tuple[str, str]], name: str) -> int:
    for key, value in fields:
        if key.endswith(".name") and value == name:
            return int(key[1:].split(".")[0])
    raise AssertionError(f"no node {name}")


def test_the_form_round_trips_the_demo_flow(web: Web) -> None:
    client, _ = admin(web)
    before = flow_from_dict(stored(web))
    page = client.get(FLOW)
    assert page.status_code == 200
    assert 'id="node-huvudmeny"' in page.text and 'id="node-kundtjanst_ko"' in page.text
    saved = client.post(FLOW, data=post_data(form_of(page.text), "save"))
    assert saved.status_code == 303, saved.text
    assert flow_from_dict(stored(web)) == before
    assert "Huvudflöde" in client.get("/admin/flows").text, "the flow keeps its name"


def test_admin_adds_a_menu_digit_and_the_live_listener_sees_it(web: Web) -> None:
    client, _ = admin(web)
    changes: list[ConfigChange] = []
    configuration(web).listeners.append(changes.append)
    page = client.get(FLOW)
    fields = form_of(page.text)
    menu = node_index(fields, "huvudmeny")
    fields = replaced(fields, f"n{menu}.options.4", "", "bygglov_ko")
    saved = client.post(FLOW, data=post_data(fields, "save"))
    assert saved.status_code == 303
    assert saved.headers["location"] == FLOW
    flow = flow_from_dict(stored(web))
    assert isinstance(flow.nodes["huvudmeny"], Menu)
    assert flow.nodes["huvudmeny"].options["4"] == "bygglov_ko"
    assert changes == [ConfigChange(DEMO_TENANT, "flow", "huvudflode")]
    assert "Sparat" in client.get(saved.headers["location"]).text


def test_a_menu_digit_to_an_unknown_node_is_refused_naming_the_node(web: Web) -> None:
    client, _ = admin(web)
    changes: list[ConfigChange] = []
    configuration(web).listeners.append(changes.append)
    fields = form_of(client.get(FLOW).text)
    menu = node_index(fields, "huvudmeny")
    fields = replaced(fields, f"n{menu}.options.4", "", "finns_inte")
    refused = client.post(FLOW, data=post_data(fields, "save"))
    assert refused.status_code == 400
    assert "Flödet sparades inte" in refused.text
    assert "Nod huvudmeny, Knapp 4: det finns ingen nod &#39;finns_inte&#39;" in refused.text
    assert "finns_inte (finns inte)" in refused.text, "the input is kept"
    assert "4" not in flow_from_dict(stored(web)).nodes["huvudmeny"].options  # type: ignore[union-attr]
    assert changes == []


def test_an_unknown_queue_is_refused_naming_the_node(web: Web) -> None:
    client, _ = admin(web)
    fields = form_of(client.get(FLOW).text)
    node = node_index(fields, "bygglov_ko")
    fields = replaced(fields, f"n{node}.queue", "bygglov", "okand_ko")
    refused = client.post(FLOW, data=post_data(fields, "save"))
    assert refused.status_code == 400
    assert "Nod bygglov_ko, Kö: kön &#39;okand_ko&#39; finns inte" in refused.text


def test_an_unknown_prompt_and_a_bad_number_are_refused(web: Web) -> None:
    client, _ = admin(web)
    fields = form_of(client.get(FLOW).text)
    node = node_index(fields, "huvudmeny")
    bad_prompt = replaced(
        fields, f"n{node}.prompts", "sv/exempelby/huvudmeny", "sv/exempelby/saknas"
    )
    refused = client.post(FLOW, data=post_data(bad_prompt, "save"))
    assert refused.status_code == 400
    assert (
        "Nod huvudmeny, Prompter: meddelandet &#39;sv/exempelby/saknas&#39; finns inte"
        in refused.text
    )
    bad_number = replaced(fields, f"n{node}.repeat", "2", "två")
    refused = client.post(FLOW, data=post_data(bad_number, "save"))
    assert refused.status_code == 400 and "Nod huvudmeny, Upprepningar" in refused.text


def test_add_a_node_then_save_it(web: Web) -> None:
    client, _ = admin(web)
    fields = form_of(client.get(FLOW).text)
    added = client.post(
        FLOW, data=post_data([*fields, ("new_name", "info"), ("new_type", "play")], "add")
    )
    assert added.status_code == 200 and 'id="node-info"' in added.text
    assert "info" not in stored(web)["nodes"]  # type: ignore[operator]
    fields = form_of(added.text)
    info = node_index(fields, "info")
    menu = node_index(fields, "huvudmeny")
    fields = replaced(fields, f"n{info}.prompts", "", "!sv/exempelby/besok-webben")
    fields = replaced(fields, f"n{info}.next", "", "huvudmeny")
    fields = replaced(fields, f"n{menu}.options.5", "", "info")
    saved = client.post(FLOW, data=post_data(fields, "save"))
    assert saved.status_code == 303, saved.text
    flow = flow_from_dict(stored(web))
    node = flow.nodes["info"]
    assert isinstance(node, Play) and node.next == "huvudmeny"
    assert node.prompts[0].prompt_id == "sv/exempelby/besok-webben"
    assert node.prompts[0].interruptible is False


def test_removing_a_node_still_referenced_is_refused(web: Web) -> None:
    client, _ = admin(web)
    fields = form_of(client.get(FLOW).text)
    removed = client.post(FLOW, data=post_data(fields, "remove:bygglov_ko"))
    assert removed.status_code == 200 and 'id="node-bygglov_ko"' not in removed.text
    refused = client.post(FLOW, data=post_data(form_of(removed.text), "save"))
    assert refused.status_code == 400
    assert "Nod huvudmeny, Knapp 2: det finns ingen nod &#39;bygglov_ko&#39;" in refused.text
    assert "bygglov_ko" in stored(web)["nodes"]  # type: ignore[operator]


def test_changing_a_node_type_shows_the_new_fields(web: Web) -> None:
    client, _ = admin(web)
    fields = form_of(client.get(FLOW).text)
    node = node_index(fields, "stangt")
    fields = replaced(fields, f"n{node}.type", "hangup", "voicemail")
    shown = client.post(FLOW, data=post_data(fields, "refresh"))
    assert shown.status_code == 200 and f'name="n{node}.box"' in shown.text
    assert stored(web)["nodes"]["stangt"]["type"] == "hangup"  # type: ignore[index]


def test_raw_yaml_editor(web: Web) -> None:
    client, csrf = admin(web)
    document = stored(web)
    document["nodes"]["huvudmeny"]["options"]["6"] = "vaxel_ko"  # type: ignore[index]
    saved = client.post(
        f"{FLOW}/yaml", data={"csrf": csrf, "yaml": yaml.safe_dump(document, allow_unicode=True)}
    )
    assert saved.status_code == 303
    assert stored(web)["nodes"]["huvudmeny"]["options"]["6"] == "vaxel_ko"  # type: ignore[index]
    document["nodes"]["huvudmeny"]["options"]["7"] = "nowhere"  # type: ignore[index]
    refused = client.post(f"{FLOW}/yaml", data={"csrf": csrf, "yaml": yaml.safe_dump(document)})
    assert refused.status_code == 400 and "Nod huvudmeny, Knapp 7" in refused.text
    broken = client.post(f"{FLOW}/yaml", data={"csrf": csrf, "yaml": "nodes: [: :"})
    assert broken.status_code == 400 and "YAML går inte att läsa" in broken.text
    not_nodes = client.post(
        f"{FLOW}/yaml", data={"csrf": csrf, "yaml": "id: huvudflode\nnodes: [1, 2]"}
    )
    assert not_nodes.status_code == 400 and "Noder: har fel form" in not_nodes.text
    other_id = client.post(f"{FLOW}/yaml", data={"csrf": csrf, "yaml": "id: annat"})
    assert other_id.status_code == 400 and "huvudflode" in other_id.text


def test_create_a_flow(web: Web) -> None:
    client, csrf = admin(web)
    created = client.post("/admin/flows", data={"csrf": csrf, "id": "kvall", "name": "Kväll"})
    assert created.status_code == 303 and created.headers["location"] == "/admin/flows/kvall"
    assert client.get("/admin/flows/kvall").status_code == 200
    assert "Kväll" in client.get("/admin/flows").text


def test_non_admins_get_403(web: Web) -> None:
    for username in ("maria", "chef"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        assert client.get("/admin/flows").status_code == 403
        assert client.get(FLOW).status_code == 403
        assert client.post(FLOW, data={"csrf": csrf, "action": "save"}).status_code == 403
        assert client.post(f"{FLOW}/yaml", data={"csrf": csrf, "yaml": ""}).status_code == 403


def test_another_tenant_cannot_read_or_edit(web: Web) -> None:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(OTHER, "admin", "Annan admin", "tenant_admin", hashed)
    client = web.client()
    csrf = sign_in(client, OTHER, "admin")
    assert "huvudflode" not in client.get("/admin/flows").text
    assert client.get(FLOW).status_code == 404
    document = yaml.safe_dump(stored(web))
    assert client.post(f"{FLOW}/yaml", data={"csrf": csrf, "yaml": document}).status_code == 404
    assert client.post(FLOW, data={"csrf": csrf, "action": "save"}).status_code == 404


def test_csrf_is_required(web: Web) -> None:
    client, _ = admin(web)
    fields = [(k, v) for k, v in form_of(client.get(FLOW).text) if k != "csrf"]
    assert client.post(FLOW, data=post_data(fields, "save")).status_code == 403
    assert client.post(f"{FLOW}/yaml", data={"yaml": ""}).status_code == 403
    assert client.post("/admin/flows", data={"id": "x"}).status_code == 403


def test_a_callback_offer_without_a_key_keeps_its_default_key() -> None:
    from vaxel.web.admin.flow_form import NodeForm

    node = NodeForm.from_document("ko", {"type": "queue", "queue": "q", "callback": {}})
    assert node.document("nodes.ko")["callback"] == {"key": "1", "forced": False}
    plain = NodeForm.from_document("ko", {"type": "queue", "queue": "q"})
    assert "callback" not in plain.document("nodes.ko")


def test_the_whisper_field_says_that_the_caller_hears_it_too(web: Web) -> None:
    """Q12: both the agent and the caller hear a queue's whisper (issue 9 §12), and the
    form must not tell the admin it is for the agent's ears only."""
    client, _ = admin(web)
    page = client.get(FLOW).text
    assert "Viskning före samtalet (hörs av handläggaren och uppringaren)" in page
    assert "Viskning till handläggaren" not in page
