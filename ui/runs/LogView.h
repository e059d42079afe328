#pragma once

// A run's log: a QListView over LogModel with uniform row heights (so a million lines cost
// nothing to lay out), follow/pause, search with next/previous and highlight, timestamps
// on/off, copy and save.

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QListView;
class QLabel;

namespace gantry {
class LogModel;
class LogStore;
}

namespace gantry::ui {

class LogView : public QWidget
{
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);

    void setStore(LogStore *store);
    LogModel *model() const { return m_model; }
    QListView *view() const { return m_view; }

    void setFollow(bool follow);
    bool follow() const;
    void findNext(bool forward = true);
    void copySelection();
    void saveAs(const QString &path = {});  // asks for a path when empty

private:
    LogModel *m_model;
    QListView *m_view;
    QCheckBox *m_follow;
    QCheckBox *m_timestamps;
    QLineEdit *m_search;
    QLabel *m_status;
};

} // namespace gantry::ui
