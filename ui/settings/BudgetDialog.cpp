#include "ui/settings/BudgetDialog.h"

#include "ui/Settings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>

namespace gantry::ui {

namespace {

QDoubleSpinBox *moneyBox(QWidget *parent, double value)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, 1'000'000);
    box->setDecimals(2);
    box->setPrefix(QStringLiteral("$"));
    box->setSpecialValueText(QObject::tr("no budget"));
    box->setValue(value);
    return box;
}

} // namespace

BudgetDialog::BudgetDialog(QWidget *parent)
    : QDialog(parent)
    , m_perRun(moneyBox(this, Settings::instance().value(Settings::Key::BudgetPerRun).toDouble()))
    , m_perDay(moneyBox(this, Settings::instance().value(Settings::Key::BudgetPerDay).toDouble()))
    , m_stop(new QCheckBox(tr("Stop runs at the budget"), this))
{
    setWindowTitle(tr("Budget"));
    m_stop->setChecked(Settings::instance().value(Settings::Key::StopAtBudget).toBool());
    m_stop->setToolTip(tr("Without it, Gantry only tells you at 80% and 100%"));
    auto *form = new QFormLayout(this);
    auto *intro = new QLabel(tr("Deploy asks first when a run could pass these. Prices are the offers' $/hour."), this);
    intro->setWordWrap(true);
    form->addRow(intro);
    form->addRow(tr("Per run:"), m_perRun);
    form->addRow(tr("Per day (all backends):"), m_perDay);
    form->addRow(m_stop);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void BudgetDialog::save()
{
    Settings::instance().setValue(Settings::Key::BudgetPerRun, m_perRun->value());
    Settings::instance().setValue(Settings::Key::BudgetPerDay, m_perDay->value());
    Settings::instance().setValue(Settings::Key::StopAtBudget, m_stop->isChecked());
}

} // namespace gantry::ui
