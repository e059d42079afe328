#pragma once

// Reading the GPU tables that vendor tools print. Pure functions, so that captured outputs
// (multi-GPU, "[N/A]", garbage) are unit-tested without any GPU.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace gantry {

struct HostGpu {
    int index = 0; // the device index CUDA_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES use
    QString name; // short name as dstack shows it: "A100", "RTX4090", "T4"
    QString fullName; // as the tool printed it: "NVIDIA A100-SXM4-80GB"
    int memoryMib = 0;
    QString vendor; // "nvidia", "amd"
    QString heldByRun; // a local run currently using it, else empty
};

// `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`.
// Rows that cannot be read are skipped and described in *problems.
QList<HostGpu> parseNvidiaSmiCsv(const QByteArray &output, QStringList *problems = nullptr);

// `rocm-smi --showproductname --showmeminfo vram --json` (best effort: the keys vary by version).
QList<HostGpu> parseRocmSmiJson(const QByteArray &output, QStringList *problems = nullptr);

// "NVIDIA GeForce RTX 4090" → "RTX4090", "NVIDIA A100-SXM4-80GB" → "A100", "Tesla T4" → "T4".
QString shortGpuName(const QString &fullName);

// One utilisation sample per GPU index, from
// `nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`.
struct GpuUsage {
    int index = 0;
    double utilPercent = 0;
    double memoryUsedMib = 0;
    double memoryTotalMib = 0;
};
QList<GpuUsage> parseNvidiaSmiUsageCsv(const QByteArray &output);

// The nvidia-smi to run: $GANTRY_NVIDIA_SMI (tests inject a fake), else nvidia-smi on PATH,
// else empty (no NVIDIA tooling on this machine).
QString nvidiaSmiProgram();

} // namespace gantry
