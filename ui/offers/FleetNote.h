#pragma once

// The note above the offers of a dstack project that has no fleet: the offers are the
// backends' (what `dstack offer` shows), deploying needs a fleet, and a button creates one.

#include <QFrame>

class QLabel;
class QPushButton;

namespace gantry::ui {

class FleetNote : public QFrame
{
    Q_OBJECT
public:
    explicit FleetNote(QWidget *parent = nullptr);

    void showFor(const QString &project);
    QString text() const;
    QPushButton *createButton() const { return m_create; }

Q_SIGNALS:
    void createRequested();

private:
    QLabel *m_text;
    QPushButton *m_create;
};

} // namespace gantry::ui
