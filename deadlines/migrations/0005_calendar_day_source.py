from django.db import migrations, models


def mark_package_rows(apps, schema_editor):
    """Rows fill_calendar copied earlier are the package's, not the office's: those whose date and
    kind are the package's. Everything else stays the office's own (never overwritten)."""
    from chinese_calendar import constants as cc_data

    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    package = {d: "holiday" for d in cc_data.holidays} | {d: "workday" for d in cc_data.workdays}
    ids = [pk for pk, date, kind in CalendarDay.objects.values_list("pk", "date", "kind") if package.get(date) == kind]
    CalendarDay.objects.filter(pk__in=ids).update(source="package")


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0004_open_milestone_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='calendarday',
            name='source',
            field=models.CharField(choices=[('office', '改革办录入'), ('package', 'chinesecalendar'), ('notice', '国务院通知导入')], default='office', max_length=20, verbose_name='来源'),
        ),
        migrations.RunPython(mark_package_rows, migrations.RunPython.noop, elidable=True),
    ]
