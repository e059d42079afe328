#pragma once

// A run's log: a one-column QTableView over LogModel with fixed row heights (a QListView
// re-lays out every row on each insertion; a table's fixed-size rows cost O(1) to place, so
// a million lines scroll and follow smoothly), follow/pause, search with next/previous and highlight, timestamps
// on/off, copy and save.

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QTableView;
class QLabel;

namespace gantry {
class LogModel;
class LogStore;
} // namespace gantry

namespace gantry::ui {

class LogView : public QWidget
{
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);

    void setStore(LogStore *store);
    LogModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }

    void setFollow(bool follow);
    bool follow() const;
    void findNext(bool forward = true);
    void copySelection();
    void saveAs(const QString &path = {}); // asks for a path when empty

private:
    LogModel *m_model;
    QTableView *m_view;
    QCheckBox *m_follow;
    QCheckBox *m_timestamps;
    QLineEdit *m_search;
    QLabel *m_status;
};

} // namespace gantry::ui
