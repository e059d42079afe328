#pragma once

// Settings → Budget: what a run and a day may cost (across backends), and whether Gantry
// stops runs that reach it. Stored in the Settings registry; the cost guard reads it there.

#include <QDialog>

class QCheckBox;
class QDoubleSpinBox;

namespace gantry::ui {

class BudgetDialog : public QDialog
{
    Q_OBJECT
public:
    explicit BudgetDialog(QWidget *parent = nullptr);

    QDoubleSpinBox *perRun() const { return m_perRun; }
    QDoubleSpinBox *perDay() const { return m_perDay; }
    QCheckBox *stopAtBudget() const { return m_stop; }
    void save(); // what OK does

private:
    QDoubleSpinBox *m_perRun;
    QDoubleSpinBox *m_perDay;
    QCheckBox *m_stop;
};

} // namespace gantry::ui
