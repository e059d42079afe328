#pragma once

// A run's resource use over time: CPU, memory, and per-GPU utilisation and memory, all as
// percentages so they share one axis (QtCharts).

#include "core/backends/Backend.h"

#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QDateTimeAxis;
class QValueAxis;
class QLabel;

namespace gantry::ui {

class MetricsChart : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsChart(QWidget *parent = nullptr);

    void setSamples(const QList<MetricSample> &samples);
    int pointCount() const;

private:
    QChart *m_chart;
    QChartView *m_view;
    QLineSeries *m_cpu;
    QLineSeries *m_memory;
    QList<QLineSeries *> m_gpuUtil;
    QList<QLineSeries *> m_gpuMemory;
    QDateTimeAxis *m_time;
    QValueAxis *m_percent;
    QLabel *m_empty;
};

} // namespace gantry::ui
