"""Forms of the unit and user pages (改革办 only)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q

from departments import roles
from departments.models import Unit, UnitAlias
from departments.pinyin import search_key


class UnitForm(forms.ModelForm):
    aliases_text = forms.CharField(
        label="别名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个。导入时遇到这些写法会自动对应到本单位，如“跑改办”。",
    )

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "level", "members", "needs_review", "is_active"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = Unit.objects.all()
        if self.instance.pk:
            members = members.exclude(pk=self.instance.pk)
            self.initial["aliases_text"] = "\n".join(self.instance.aliases.values_list("name", flat=True))
        self.fields["members"].queryset = members
        self.fields["members"].required = False

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = UnitAlias.objects.filter(name=name).exclude(unit=self.instance.pk or 0).first()
        if clash:
            raise forms.ValidationError(f"“{name}”已是 {clash.unit.name} 的别名。")
        return name

    def clean_aliases_text(self):
        names = []
        for line in self.cleaned_data["aliases_text"].splitlines():
            line = line.strip()
            if line and line not in names:
                names.append(line)
        errors = []
        own = self.instance.pk or 0
        for name in names:
            if name == self.cleaned_data.get("name"):
                errors.append(f"别名“{name}”与单位名称相同。")
            elif other := Unit.objects.filter(Q(name=name) | Q(aliases__name=name)).exclude(pk=own).first():
                errors.append(f"别名“{name}”已属于 {other.name}。")
        if errors:
            raise forms.ValidationError(errors)
        return names

    @transaction.atomic
    def save(self, commit=True):
        unit = super().save(commit=True)
        names = self.cleaned_data["aliases_text"]
        unit.aliases.exclude(name__in=names).delete()
        for name in names:
            UnitAlias.objects.get_or_create(unit=unit, name=name)
        return unit


class UnitMergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Unit.objects.none(), label="合并到")
    confirm = forms.BooleanField(label="我确认这两个单位是同一个单位，合并后原单位将被删除，其名称保留为别名。")

    def __init__(self, *args, source: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Unit.objects.exclude(pk=source.pk)


ROLE_CHOICES = [("", "无角色")] + [(r, r) for r in roles.ALL_ROLES]


class UserForm(forms.ModelForm):
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES, required=False)
    units = forms.ModelMultipleChoiceField(
        label="所属单位（联络员）",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    password = forms.CharField(
        label="密码", required=False, widget=forms.PasswordInput(render_value=False),
        help_text="新建用户必填；编辑时留空表示不修改。",
    )

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "email", "is_active"]
        labels = {"first_name": "姓名"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["role"] = roles.role_of(self.instance) or ""
            self.initial["units"] = list(self.instance.units.all())
        else:
            self.fields["password"].required = True

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.instance)
        return password

    def clean(self):
        data = super().clean()
        if data.get("role") == roles.LIAISON and not data.get("units"):
            self.add_error("units", "联络员必须至少属于一个单位。")
        return data

    @transaction.atomic
    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data["password"]:
            user.set_password(self.cleaned_data["password"])
        user.save()
        role = self.cleaned_data["role"]
        user.groups.remove(*Group.objects.filter(name__in=roles.ALL_ROLES))
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        user.units.set(self.cleaned_data["units"])
        return user


class UnitPicker(forms.Select):
    """A select of units that static/js/unit_picker.js filters as one types a name, an alias or the
    pinyin initials ("fgj" → 区发改局). Each option carries its search key (departments.pinyin) in
    data-search; without the script it is a plain select."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-unit-picker": "", **(attrs or {})}, choices)

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        options = [option for _, group, _ in groups for option in group]
        pks = [str(o["value"]) for o in options if str(o["value"]).isdigit()]
        aliases: dict[str, list[str]] = {}
        # the units' aliases in one query whatever the number of options
        for unit_id, alias in UnitAlias.objects.filter(unit_id__in=pks).values_list("unit_id", "name"):
            aliases.setdefault(str(unit_id), []).append(alias)
        for option in options:
            key = str(option["value"])
            if key.isdigit():
                option["attrs"]["data-search"] = search_key(str(option["label"]), aliases.get(key, ()))
        return groups
