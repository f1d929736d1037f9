#include "schedule.h"

#include <algorithm>
#include <cmath>

float lr_at(const tt_options & o, int64_t step, int64_t total_steps) {
    if (o.warmup > 0 && step < o.warmup) {
        return o.lr * (float) (step + 1) / (float) o.warmup;
    }
    if (o.schedule == "constant" || total_steps <= o.warmup) {
        return o.lr;
    }
    const double t = std::min(1.0, (double) (step - o.warmup) / (double) std::max<int64_t>(1, total_steps - o.warmup));
    const double min_lr = o.lr * o.min_lr_ratio;
    if (o.schedule == "linear") {
        return (float) (o.lr - (o.lr - min_lr)*t);
    }
    return (float) (min_lr + 0.5*(o.lr - min_lr)*(1.0 + cos(3.14159265358979323846*t)));
}
