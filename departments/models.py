"""Units (单位), their aliases and liaisons, and the three roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", "部门"
    TOWN = "town", "镇街"
    ENTERPRISE = "enterprise", "企业/机构"
    COLLECTIVE = "collective", "集合单位"


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"
    COUNTY = "county", "县级"
    TOWN = "town", "镇街级"
    OTHER = "other", "其他"


class UnitQuerySet(models.QuerySet):
    def resolve(self, name: str) -> Unit | None:
        """The unit called `name`, by its canonical name or one of its aliases."""
        name = name.strip()
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct().first()

    def of_user(self, user) -> UnitQuerySet:
        """The units a liaison speaks for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(liaisons=user)


class Unit(models.Model):
    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    level = models.CharField("层级", max_length=20, choices=UnitLevel.choices, default=UnitLevel.OTHER)
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="collectives",
        verbose_name="成员单位",
        help_text="集合单位（如“各镇街”）可展开为其成员单位",
    )
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name="联络员"
    )
    needs_review = models.BooleanField(
        "待核对", default=False, help_text="导入时新建的未知单位，需改革办核对或合并"
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_collective(self) -> bool:
        return self.kind == UnitKind.COLLECTIVE


class UnitAlias(models.Model):
    """Another name a document uses for a unit (跑改办 → 区审管办)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name="单位")
    name = models.CharField("别名", max_length=100, unique=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit.name}"


class UnitWebhook(models.Model):
    """A DingTalk / 浙政钉 group-robot webhook: a further reminder channel for a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="webhooks", verbose_name="单位")
    name = models.CharField("名称", max_length=100, default="钉钉群机器人")
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField("加签密钥", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "钉钉/浙政钉机器人"
        verbose_name_plural = "钉钉/浙政钉机器人"

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.name}"
