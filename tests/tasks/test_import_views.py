"""The browser import: upload or paste → preview with corrections → confirm."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from departments.models import Unit, UnitAlias
from fixtures.seeds import seed_files
from tasks.models import Plan, Task
from tests.factories import ProgressReportFactory, UnitFactory

from .test_plan_import import V1, V2

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:upload")
SEED_000 = seed_files()[0]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    # the cast's passwords are hashed when the fixtures build them: the slow default hasher costs seconds
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def upload(client, name, data, **extra):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), **extra})


def preview_of(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url, client.get(response.url)


def field_index(page, ref):
    return next(i for i, (item, _) in enumerate(page.context["form"].items) if item.ref == ref)


def test_menu_shows_import_to_office_only():
    from django.template.loader import render_to_string

    assert f'href="{UPLOAD}">导入计划' in render_to_string("_nav.html", {"is_office": True})
    for role in ("is_liaison", "is_supervisor"):
        assert "导入计划" not in render_to_string("_nav.html", {role: True})


@pytest.mark.parametrize("who", ["liaison_a", "supervisor"])
def test_liaisons_and_supervisors_get_403(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, "plan.txt", V1.encode()).status_code == 403
    assert not Plan.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and reverse("login") in response.url


def test_upload_shows_a_preview_of_every_task_and_writes_nothing(office_client, data_dir):
    url, page = preview_of(office_client, upload(office_client, SEED_000.name, SEED_000.read_bytes()))
    html = page.content.decode()

    assert page.status_code == 200
    assert html.count('class="card mb-2 import-item') == 57
    assert "打造优质高效政务服务体系" in html and "区审管办（跑改办）" in html
    assert 'value="2020-12-31"' in html and "2020年12月底前" in html
    assert "将新建计划" in html
    assert not Plan.objects.exists() and not Unit.objects.exists()
    # the text waits in a file; the session only knows its name
    token = url.rstrip("/").split("/")[-1]
    assert (data_dir / "imports" / f"{token}.txt").read_text(encoding="utf-8").startswith("\n\n2020年萧山区")
    assert "打造优质高效" not in str(dict(office_client.session))


def test_confirm_imports_the_plan_in_one_go_and_forgets_the_upload(office_client, office, data_dir):
    url, _ = preview_of(office_client, upload(office_client, SEED_000.name, SEED_000.read_bytes()))

    response = office_client.post(url, {})

    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:done", args=[plan.pk])
    assert plan.tasks.count() == 57 and plan.imported_by == office and plan.source_filename == SEED_000.name
    done = office_client.get(response.url).content.decode()
    assert "导入完成" in done and "任务 57 项" in done
    assert list((data_dir / "imports").glob("*.txt")) == []
    assert office_client.get(url).status_code == 404


def test_pasted_text_is_imported_like_a_file(office_client):
    url, page = preview_of(office_client, office_client.post(UPLOAD, {"text": V1}))
    assert "区新设服务局" in page.content.decode()
    office_client.post(url, {})
    assert Plan.objects.get().source.text == V1


def test_gbk_text_file_is_read(office_client):
    url, page = preview_of(office_client, upload(office_client, "plan.txt", V1.encode("gbk")))
    assert "打造政务服务体系" in page.content.decode()


def test_docx_file_is_read(office_client):
    import docx

    document = docx.Document()
    for line in V1.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)

    url, page = preview_of(office_client, upload(office_client, "plan.docx", buffer.getvalue()))
    office_client.post(url, {})
    assert Plan.objects.get().doc_number == "萧测〔2020〕7号"


def test_unknown_units_and_unresolved_phrases_are_highlighted(office_client):
    _, page = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))
    html = page.content.decode()
    assert "区新设服务局（未知单位）" in html and "unit-unknown" in html
    assert "无法识别的时限“三季度前”" in html


def test_corrections_on_the_preview_are_applied_on_confirm(office_client):
    existing = UnitFactory(name="区行政服务中心")
    url, page = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))
    form = page.context["form"]
    unit_field = next(f.html_name for f in form.unit_fields() if f.label == "区新设服务局")
    data = {
        f"drop_{field_index(page, '一.一.3')}": "on",
        f"date_{field_index(page, '一.一.1')}_0": "2020-11-15",
        f"settle_{field_index(page, '一.一.2-2')}_0": "2020-09-30",
        unit_field: str(existing.pk),
        "title": "2020年萧山区测试改革工作要点（定稿）",
    }

    office_client.post(url, data)

    plan = Plan.objects.get()
    assert plan.title == "2020年萧山区测试改革工作要点（定稿）"
    assert not Task.objects.filter(import_key="一.一.3").exists()
    assert Task.objects.get(import_key="一.一.1").milestones.get().due_on == dt.date(2020, 11, 15)
    assert Task.objects.get(import_key="一.一.2-2").milestones.get().due_on == dt.date(2020, 9, 30)
    assert UnitAlias.objects.get(name="区新设服务局").unit == existing
    assert not Unit.objects.filter(name="区新设服务局").exists()


def test_a_bad_date_is_shown_next_to_the_field_and_nothing_is_written(office_client):
    url, page = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))

    response = office_client.post(url, {f"date_{field_index(page, '一.一.1')}_0": "2020-13-45"})

    assert response.status_code == 200
    assert "日期格式应为 年-月-日" in response.content.decode()
    assert not Plan.objects.exists()


def test_reimport_preview_says_what_will_change_and_confirm_keeps_reports(office_client):
    office_client.post(preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))[0], {})
    reported = Task.objects.get(import_key="一.一.1")
    ProgressReportFactory(task=reported, unit=Unit.objects.get(name="区数管局"))

    url, page = preview_of(office_client, upload(office_client, "plan.txt", V2.encode()))
    html = page.content.decode()
    assert "将更新已有计划" in html
    assert "新增 1 项，有变化 3 项，不变 1 项" in html
    assert "将删除 1 项：3 推进证明减免" in html
    assert "有变化：任务名称、任务内容、时间节点" in html

    office_client.post(url, {})
    assert Plan.objects.count() == 1
    assert Task.objects.get(pk=reported.pk).reports.count() == 1


def test_another_users_import_is_not_reachable(office_client, client):
    from tests.factories import UserFactory

    url, _ = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))
    other = UserFactory(username="office2", role="改革办")
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not Plan.objects.exists()


def test_cancel_forgets_the_upload(office_client, data_dir):
    url, _ = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))
    token = url.rstrip("/").split("/")[-1]
    office_client.post(reverse("imports:cancel", args=[token]))
    assert office_client.get(url).status_code == 404
    assert list((data_dir / "imports").glob("*.txt")) == []


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "文件是空的"),
        ("scan.txt", PNG, "不是文本文件"),
        ("photo.png", PNG, "不支持的文件类型"),
        ("plan.pdf", b"%PDF-1.4", "不支持的文件类型"),
        ("big.txt", "一".encode() * (4 * 1024 * 1024), "文件过大"),
        ("note.txt", "关于开会的通知\n请各单位准时参加。\n".encode(), "未识别出任何工作任务"),
    ],
    ids=["empty", "binary", "image", "wrong type", "over 10 MB", "no items"],
)
def test_bad_files_get_a_chinese_message_next_to_the_field_and_nothing_is_written(
    office_client, data_dir, name, data, message
):
    response = upload(office_client, name, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors["file"])
    assert 'id="file-errors"' in response.content.decode()
    assert not Plan.objects.exists() and not Unit.objects.exists()
    assert not (data_dir / "imports").exists() or list((data_dir / "imports").glob("*")) == []


def test_nothing_chosen_gets_a_message_at_the_top(office_client):
    response = office_client.post(UPLOAD, {"text": "   "})
    assert "请选择要导入的文件，或粘贴计划全文。" in response.content.decode()


def test_pasted_text_without_items_gets_the_message_next_to_the_text_field(office_client):
    response = office_client.post(UPLOAD, {"text": "今天天气很好。"})
    assert "未识别出任何工作任务" in " ".join(response.context["form"].errors["text"])


def test_a_plan_without_a_year_asks_for_it_on_the_upload_form_and_nothing_is_written(office_client):
    text = "某区工作要点\n一、主要任务\n1.推进某改革，6月底前完成。（区发改局牵头）"
    page = office_client.post(UPLOAD, {"text": text})
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert "year" in errors and "6月底前" in errors["year"][0]  # says why
    assert not Plan.objects.exists()
    response = office_client.post(UPLOAD, {"text": text, "year": "2016"})
    _, page = preview_of(office_client, response)
    assert page.context["parsed"].items[0].deadlines[0].date == dt.date(2016, 6, 30)
    assert not Plan.objects.exists()  # nothing written before the office confirms


def test_the_preview_lists_paragraphs_that_look_like_tasks_but_were_not_read(office_client):
    text = "2021年某区工作要点\n①推进甲改革。(区发改局牵头)\n一、主要任务\n1.推进乙改革。(区审管办牵头)"
    _, page = preview_of(office_client, office_client.post(UPLOAD, {"text": text}))
    body = page.content.decode()
    assert 'id="skipped-paragraphs"' in body and "①推进甲改革" in body
    assert not Plan.objects.exists()


LEADLESS = "\n".join([
    "某区改革工作要点",
    "一、主要任务",
    "1.推进甲改革，6月底前完成。",
    "责任单位:区发改局、区财政局",
    "2.推进乙改革。",
    "责任单位:区审管办、区数管局",
    "3.推进丙改革。（区市场监管局牵头，区税务局配合）",
])


def leads_of(import_key):
    from tasks.models import AssignmentRole

    task = Task.objects.get(import_key=import_key)
    return [a.unit.name for a in task.assignments.filter(role=AssignmentRole.LEAD).order_by("id")]


def test_the_office_settles_year_and_leads_on_the_preview_and_that_is_what_is_saved(office_client):
    response = office_client.post(UPLOAD, {"text": LEADLESS})
    assert "year" in response.context["form"].errors  # no year in the text: it is asked for
    url, page = preview_of(office_client, office_client.post(UPLOAD, {"text": LEADLESS, "year": "2019"}))
    assert "由导入时指定" in page.content.decode()

    # the year, changed on the preview: every date is read again with it, nothing is written yet
    response = office_client.post(url, {"set_year": "1", "plan_year": "2016"})
    assert response.status_code == 302 and response.url == url and not Plan.objects.exists()
    page = office_client.get(url)
    assert page.context["parsed"].meta.year == 2016
    html = page.content.decode()
    assert 'id="first-leads"' in html and "lead-choice" in html

    # "first unit leads" for the whole plan, and item 2's lead changed by hand
    two = field_index(page, "一.2")
    office_client.post(url, {"leads_shown": "1", "first_leads": "on", f"lead_{two}": ["区数管局"],
                             f"lead_{field_index(page, '一.3')}": ["区市场监管局"]})

    plan = Plan.objects.get()
    assert plan.year == 2016
    assert Task.objects.get(import_key="一.1").milestones.get().due_on == dt.date(2016, 6, 30)
    assert leads_of("一.1") == ["区发改局"]  # first unit, by the one click
    assert leads_of("一.2") == ["区数管局"]  # set by hand on the item
    assert leads_of("一.3") == ["区市场监管局"]  # as the text says


def test_confirming_without_touching_the_lead_boxes_keeps_the_leads_of_the_text(office_client):
    url, _ = preview_of(office_client, office_client.post(UPLOAD, {"text": LEADLESS, "year": "2019"}))
    office_client.post(url, {})
    assert leads_of("一.1") == [] and leads_of("一.3") == ["区市场监管局"]


# --- the unit picker and the done page -------------------------------------------------------------


def test_the_unit_picker_offers_each_unit_with_its_name_aliases_and_pinyin_initials(office_client):
    fgj = UnitFactory(name="区发改局")
    UnitAlias.objects.create(unit=fgj, name="区发展改革局")
    _, page = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))
    html = page.content.decode()
    assert "data-unit-picker" in html and "js/unit_picker.js" in html
    assert f'<option value="{fgj.pk}" data-search="区发改局 区发展改革局 qfgj qfzggj">区发改局</option>' in html
    assert '<option value="" selected>（新建此单位，待核对）</option>' in html


def test_the_unit_picker_reads_the_aliases_in_one_query_whatever_the_number_of_units(
    office_client, django_assert_max_num_queries
):
    UnitAlias.objects.create(unit=UnitFactory(name="区发改局"), name="区发展改革局")
    url, _ = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))
    few = len(office_client.get(url).context["form"].unit_fields())
    with django_assert_max_num_queries(100) as few_units:
        office_client.get(url)
    for i in range(30):
        UnitAlias.objects.create(unit=UnitFactory(name=f"区测试{i}局"), name=f"测试{i}局")
    with django_assert_max_num_queries(100) as many_units:
        office_client.get(url)
    assert few and len(many_units.captured_queries) == len(few_units.captured_queries)


def test_done_page_lists_the_new_tasks_and_links_to_the_filtered_list_not_the_admin(office_client):
    url, _ = preview_of(office_client, upload(office_client, "plan.txt", V1.encode()))
    done = office_client.get(office_client.post(url, {"first_leads": "on"}).url)
    html = done.content.decode()
    plan = Plan.objects.get()
    main = html[html.index("<main"):]  # the menu links to the admin; the page itself does not
    assert "/admin/" not in main
    assert f'href="{reverse("tasks:list")}?plan={plan.pk}"' in html
    section = plan.sections.get(parent=None)
    assert f'{reverse("tasks:list")}?plan={plan.pk}&amp;section={section.pk}' in html
    rows = list(done.context["new_tasks"])
    assert [t.pk for t in rows] == list(plan.tasks.order_by("order", "pk").values_list("pk", flat=True))
    first = Task.objects.get(import_key="一.一.1")
    assert first.lead_unit.name == "区审管办"  # 区审管办（跑改办） is one of its names
    row = html[html.index(f'href="{first.get_absolute_url()}"'):]
    row = row[:row.index("</tr>")]
    assert first.title in row and "区审管办" in row and "2020-12-31" in row
    # the list it links to shows exactly the plan's tasks
    listed = office_client.get(reverse("tasks:list"), {"plan": plan.pk}).context["table"]
    assert listed.paginator.count == plan.tasks.count()


def test_done_page_of_an_update_lists_only_the_tasks_it_added(office_client):
    from .test_plan_import import run

    run(V1)
    url, _ = preview_of(office_client, office_client.post(UPLOAD, {"text": V2}))
    done = office_client.get(office_client.post(url, {}).url)
    assert [t.import_key for t in done.context["new_tasks"]] == ["一.一.4"]
    assert "新增任务（1 项）" in done.content.decode()


def test_leads_marked_on_the_preview_settle_the_no_lead_warnings(office_client):
    url, page = preview_of(office_client, office_client.post(UPLOAD, {"text": LEADLESS, "year": "2019"}))
    assert "未标注牵头单位" in page.content.decode()
    done = office_client.get(office_client.post(url, {"leads_shown": "1", "first_leads": "on"}).url)
    assert "未标注牵头单位" not in done.content.decode()
