// Exit codes, errors and what every exit path must do: the JSON error line, temp files removed, and the log tail
// that tells an out-of-memory abort from another.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

#include "ggml.h"

//
// exit codes (documented in native/README.md)
//

enum tt_exit : int {
    TT_OK              = 0,
    TT_INTERNAL        = 1,
    TT_USAGE           = 2,
    TT_MODEL           = 3,
    TT_DATASET         = 4,
    TT_VOCAB_MISMATCH  = 5,
    TT_OOM             = 6,
    TT_IO              = 7,
    TT_NO_TRAIN_TOKENS = 8,
    TT_CHECKPOINT      = 9,
    TT_DIVERGED        = 10,
};

const char * tt_exit_name(int code);

struct tt_error : std::runtime_error {
    int code;
    tt_error(int code, const std::string & msg) : std::runtime_error(msg), code(code) {}
};

std::string string_format(const char * fmt, ...);

// print "<func>: error: <msg>" on stderr and throw, so that main can emit the JSON error line and exit code
#define TT_FAIL(code, ...) do {                                             \
        const std::string tt_msg_ = string_format(__VA_ARGS__);            \
        fprintf(stderr, "%s: error: %s\n", __func__, tt_msg_.c_str());      \
        throw tt_error((code), tt_msg_);                                    \
    } while (0)

// a stop was asked for (signal or "stop" on stdin): the session checks it between windows
extern std::atomic<bool> g_stop_requested;
// --verbose: llama.cpp's info logs on stderr
extern bool g_verbose;

// temp files and directories removed when the trainer fails
void tmp_register(const std::string & p);
void tmp_unregister(const std::string & p);
void tmp_cleanup_all();

void on_signal(int);
bool looks_like_oom(const std::string & text);
std::string log_tail_text();
const char * oom_hint();
bool looks_like_graph_overflow(const std::string & text);
void on_ggml_abort(const char * message);
void on_log(enum ggml_log_level level, const char * text, void * user_data);
