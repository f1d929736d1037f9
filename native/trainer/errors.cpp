#include "common.h"
#include "protocol.h"

#include <deque>
#include <mutex>

const char * tt_exit_name(int code) {
    switch (code) {
        case TT_USAGE:           return "usage";
        case TT_MODEL:           return "model";
        case TT_DATASET:         return "dataset";
        case TT_VOCAB_MISMATCH:  return "vocab_mismatch";
        case TT_OOM:             return "out_of_memory";
        case TT_IO:              return "io";
        case TT_NO_TRAIN_TOKENS: return "no_trainable_tokens";
        case TT_CHECKPOINT:      return "checkpoint";
        case TT_DIVERGED:        return "diverged";
        default:                 return "internal";
    }
}

std::string string_format(const char * fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    const int n = vsnprintf(nullptr, 0, fmt, ap);
    std::string s(n > 0 ? n : 0, '\0');
    vsnprintf(s.data(), s.size() + 1, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    return s;
}

//
// global state for signals, aborts and temp-file cleanup
//

std::atomic<bool> g_stop_requested{false};
static std::mutex               g_tmp_mutex;
static std::vector<std::string> g_tmp_paths;     // removed on failure (files or directories)
static std::mutex               g_log_mutex;
static std::deque<std::string>  g_log_tail;      // last llama/ggml log lines (to classify aborts)
bool                            g_verbose = false;

void tmp_register(const std::string & p) {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    g_tmp_paths.push_back(p);
}

void tmp_unregister(const std::string & p) {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    g_tmp_paths.erase(std::remove(g_tmp_paths.begin(), g_tmp_paths.end(), p), g_tmp_paths.end());
}

void tmp_cleanup_all() {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    for (const auto & p : g_tmp_paths) {
        std::error_code ec;
        fs::remove_all(p, ec);
    }
    g_tmp_paths.clear();
}

void on_signal(int) {
    g_stop_requested = true;
}

bool looks_like_oom(const std::string & text) {
    static const char * needles[] = {
        "out of memory", "failed to allocate", "cudaMalloc", "unable to allocate", "bad_alloc",
        "ErrorOutOfDeviceMemory", "ErrorOutOfHostMemory", "not enough memory", "failed to reserve",
        "Cannot allocate memory", // strerror(ENOMEM), e.g. "mmap failed: Cannot allocate memory"
    };
    for (const char * n : needles) {
        if (text.find(n) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string log_tail_text() {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    std::string all;
    for (const auto & l : g_log_tail) {
        all += l;
    }
    return all;
}

const char * oom_hint() {
    return "out of memory: lower --ctx, --ubatch or --rank, train fewer --targets, or offload fewer layers (--gpu-layers)";
}

// a training graph with more nodes than llama.cpp budgeted for it (patch 0005) trips one of these asserts
bool looks_like_graph_overflow(const std::string & text) {
    return text.find("cgraph->n_nodes < cgraph->size") != std::string::npos ||
           text.find("cgraph->n_leafs < cgraph->size") != std::string::npos ||
           text.find("GGML_HASHSET_FULL") != std::string::npos;
}

// ggml aborts (GGML_ASSERT/GGML_ABORT) end here: emit the JSON error line, remove temp files, exit with a code
void on_ggml_abort(const char * message) {
    const std::string msg  = message ? message : "";
    const std::string tail = log_tail_text();
    const bool oom = looks_like_oom(msg) || looks_like_oom(tail);
    const bool graph = !oom && looks_like_graph_overflow(msg);
    const int code = oom ? TT_OOM : graph ? TT_MODEL : TT_INTERNAL;
    std::string text = "internal error in ggml: " + msg;
    if (oom) {
        text = std::string(oom_hint()) + " (" + msg + ")";
    } else if (graph) {
        text = "the training graph of this model is larger than the graph budget llama.cpp gives it: this architecture is not supported for training yet (" + msg + ")";
    }
    fprintf(stderr, "%s: error: %s\n", __func__, msg.c_str());
    emit(json_obj().s("type", "error").s("code", tt_exit_name(code)).i("exit_code", code).s("message", text));
    tmp_cleanup_all();
    fflush(stderr);
    _Exit(code);
}

void on_log(enum ggml_log_level level, const char * text, void * /*user_data*/) {
    {
        std::lock_guard<std::mutex> lock(g_log_mutex);
        g_log_tail.emplace_back(text ? text : "");
        while (g_log_tail.size() > 32) {
            g_log_tail.pop_front();
        }
    }
    if (g_verbose || level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN) {
        fputs(text, stderr);
    }
}

