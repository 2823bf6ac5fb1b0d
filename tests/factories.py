"""factory_boy factories for every model the tests touch."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from deadlines.models import Milestone
from departments import roles
from departments.models import Unit, UnitAlias, UnitKind, UnitLevel
from tasks.models import Assignment, AssignmentRole, Plan, ProgressReport, Section, Task


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        for unit in extracted or ():
            unit.liaisons.add(self)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"区测试局{n}")
    kind = UnitKind.DEPARTMENT
    level = UnitLevel.DISTRICT


class UnitAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitAlias

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"别名{n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"2020年测试工作要点{n}")
    issuer = "区委改革办"
    doc_number = factory.Sequence(lambda n: f"萧改办〔2020〕{n + 1}号")
    year = 2020


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    number = "（一）"
    title = "提升政务服务能级"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"测试任务{n}")
    text = factory.LazyAttribute(lambda t: f"{t.title}。推进相关工作。")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = AssignmentRole.LEAD
    as_written = factory.LazyAttribute(lambda a: a.unit.name)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    task = factory.SubFactory(TaskFactory)
    due_on = dt.date(2020, 12, 31)
    phrase = "2020年12月底前"


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    author = factory.SubFactory(UserFactory, role=roles.LIAISON)
    period = dt.date(2020, 9, 1)
    text = "已完成方案制定，正在推进。"
    percent = 40


# --- added by the web-app issue (urgings, extension requests, evidence) ---


class UrgingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tasks.Urging"

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    message = "请抓紧推进并报送进展。"


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deadlines.ExtensionRequest"

    milestone = factory.SubFactory(MilestoneFactory)
    unit = factory.SubFactory(UnitFactory)
    reason = "需与上级部门协调，时间不足。"
    original_date = factory.LazyAttribute(lambda e: e.milestone.due_on)
    proposed_date = factory.LazyAttribute(lambda e: e.milestone.due_on + dt.timedelta(days=30))


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tasks.Evidence"

    report = factory.SubFactory(ProgressReportFactory)
    file = factory.django.FileField(filename="佐证.pdf", data=PDF_BYTES)
    original_name = "佐证.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
