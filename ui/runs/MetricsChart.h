#pragma once

// A run's resource use over time: CPU, memory, and per-GPU utilisation and memory, all as
// percentages so they share one axis. The QtCharts plot is in a module loaded the first time
// this is shown (MetricsPlot.h says why); until then the samples are only kept.

#include "core/backends/Backend.h"

#include <QWidget>

class QLabel;

namespace gantry::ui {

class MetricsPlot;

class MetricsChart : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsChart(QWidget *parent = nullptr);
    ~MetricsChart() override;

    void setSamples(const QList<MetricSample> &samples);
    int pointCount() const { return int(m_samples.size()); }
    const QList<MetricSample> &samples() const { return m_samples; } // what is shown
    // Whether the plot module is loaded and drawing (false before the first show, or when it
    // could not be loaded: then a line says why).
    bool hasPlot() const { return m_plot != nullptr; }
    QString problem() const;

protected:
    void showEvent(QShowEvent *event) override;

private:
    void loadPlot();
    void showSamples();

    QList<MetricSample> m_samples;
    MetricsPlot *m_plot = nullptr; // owned through its widget, a child of this
    QLabel *m_empty;
    bool m_triedLoading = false;
};

} // namespace gantry::ui
