// Unit tests of the trainer's pure parts: packing samples into windows, the learning-rate schedule, and checkpoint
// state files (round trip, corruption, other data). Prints one line per failed check and exits 1 if any failed.
#include "common.h"
#include "checkpoint.h"
#include "dataset.h"
#include "schedule.h"

#include <functional>

static int g_failed = 0;
static int g_checks = 0;

#define CHECK(cond) do {                                                            \
        ++g_checks;                                                                 \
        if (!(cond)) { ++g_failed; fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } \
    } while (0)

// the tt_error code `f` fails with, or -1 when it does not fail
static int failure_code(const std::function<void()> & f) {
    try {
        f();
    } catch (const tt_error & e) {
        return e.code;
    }
    return -1;
}

// samples given as (tokens, mask) pairs
static ttds dataset_of(const std::vector<std::pair<std::vector<int32_t>, std::vector<uint8_t>>> & samples) {
    ttds ds;
    ds.offsets.push_back(0);
    for (const auto & s : samples) {
        ds.tokens.insert(ds.tokens.end(), s.first.begin(), s.first.end());
        ds.mask.insert(ds.mask.end(), s.second.begin(), s.second.end());
        ds.offsets.push_back(ds.tokens.size());
    }
    return ds;
}

static void test_packing() {
    // labels are the next token where that token is a target; each sample its own sequence id
    const ttds ds = dataset_of({
        { {10, 11, 12, 13}, {0, 0, 1, 1} },
        { {20, 21, 22},     {0, 1, 1} },
        { {30, 31},         {0, 0} },        // no target: left out
        { {40, 41, 42, 43, 44, 45, 46, 47, 48, 49}, {0, 1, 0, 0, 0, 0, 0, 0, 0, 1} }, // longer than the window
    });
    const tt_windows w = pack_windows(ds, 8, /*drop_overlong =*/ false, /*pad =*/ 0);
    CHECK(w.size() == 2);
    CHECK(w.empty_samples == 1 && w.truncated_samples == 1 && w.dropped_samples == 0);
    CHECK(w.total_trained == 5);
    const std::vector<int32_t> tokens0 = {10, 11, 12, 13, 20, 21, 22, 0};
    const std::vector<int32_t> labels0 = {-1, 12, 13, -1, 21, 22, -1, -1};
    const std::vector<int32_t> seqs0   = {0, 0, 0, 0, 1, 1, 1, 1};
    CHECK(std::equal(tokens0.begin(), tokens0.end(), w.tokens.begin()));
    CHECK(std::equal(labels0.begin(), labels0.end(), w.labels.begin()));
    CHECK(std::equal(seqs0.begin(), seqs0.end(), w.seq_ids.begin()));
    CHECK(w.n_trained[0] == 4 && w.max_samples_per_window == 2);
    // the overlong sample did not fit beside the others: a window of its own, its first 8 tokens, the cut target gone
    const std::vector<int32_t> labels1 = {41, -1, -1, -1, -1, -1, -1, -1};
    CHECK(w.n_trained[1] == 1);
    CHECK(std::equal(labels1.begin(), labels1.end(), w.labels.begin() + 8));
    CHECK(w.tokens[8] == 40 && w.tokens[15] == 47 && w.seq_ids[8] == 0);

    const tt_windows dropped = pack_windows(ds, 8, /*drop_overlong =*/ true, 0);
    CHECK(dropped.dropped_samples == 1 && dropped.truncated_samples == 0);
    CHECK(dropped.size() == 1 && dropped.total_trained == 4);
}

static void test_packing_sample_limit() {
    std::vector<std::pair<std::vector<int32_t>, std::vector<uint8_t>>> samples(TT_MAX_SAMPLES_PER_WINDOW + 1, { {1, 2}, {0, 1} });
    const tt_windows w = pack_windows(dataset_of(samples), 4096, false, 0);
    CHECK(w.size() == 2);
    CHECK(w.max_samples_per_window == TT_MAX_SAMPLES_PER_WINDOW);
    CHECK(w.total_trained == TT_MAX_SAMPLES_PER_WINDOW + 1);
}

static void test_schedule() {
    tt_options o;
    o.lr = 1.0f;
    o.warmup = 4;
    o.schedule = "cosine";
    CHECK(std::fabs(lr_at(o, 0, 20) - 0.25f) < 1e-6f);       // warmup: (step + 1) / warmup
    CHECK(std::fabs(lr_at(o, 3, 20) - 1.0f) < 1e-6f);
    CHECK(std::fabs(lr_at(o, 4, 20) - 1.0f) < 1e-6f);        // cosine starts at the peak
    CHECK(std::fabs(lr_at(o, 12, 20) - 0.5f) < 1e-6f);       // halfway
    CHECK(std::fabs(lr_at(o, 20, 20)) < 1e-6f);              // and ends at min_lr_ratio * lr
    o.min_lr_ratio = 0.1f;
    o.schedule = "linear";
    CHECK(std::fabs(lr_at(o, 12, 20) - 0.55f) < 1e-6f);
    CHECK(std::fabs(lr_at(o, 20, 20) - 0.1f) < 1e-6f);
    o.schedule = "constant";
    CHECK(lr_at(o, 15, 20) == 1.0f);
    o.warmup = 0;
    o.schedule = "cosine";
    CHECK(lr_at(o, 0, 1) == 1.0f);
}

static void test_checkpoint_round_trip() {
    const fs::path dir = fs::temp_directory_path() / ("tt-unit-" + std::to_string((long long) std::time(nullptr)) + "-" + std::to_string(rand()));
    fs::create_directories(dir);
    const std::string file = (dir / "state.bin").string();
    tt_progress_state st;
    st.step = 7; st.epoch = 1; st.next_window = 2; st.opt_iter = 8; st.trained_tokens = 1234;
    st.rng_state = "rng state text";
    st.order = {2, 0, 1};
    std::vector<tt_saved_param> params(2);
    params[0] = { "a.lora_a", {1.0f, -2.5f, 3.25f}, {0.5f, 0.25f, 0.125f} };
    params[1] = { "a.lora_b", {}, {} };
    write_state_file(file, "fingerprint-1", st, params);

    tt_progress_state back;
    std::vector<tt_saved_param> back_params;
    read_state_file(file, "fingerprint-1", back, back_params);
    CHECK(back.step == 7 && back.epoch == 1 && back.next_window == 2 && back.opt_iter == 8 && back.trained_tokens == 1234);
    CHECK(back.rng_state == st.rng_state && back.order == st.order);
    CHECK(back_params.size() == 2 && back_params[0].name == "a.lora_a" && back_params[0].m == params[0].m && back_params[0].v == params[0].v);
    CHECK(back_params[1].m.empty());

    // other data or options: refused, naming the resume rule
    CHECK(failure_code([&]() { read_state_file(file, "fingerprint-2", back, back_params); }) == TT_CHECKPOINT);
    // one flipped byte: the checksum says so
    {
        FILE * f = fopen(file.c_str(), "r+b");
        fseek(f, 20, SEEK_SET);
        const int c = fgetc(f);
        fseek(f, 20, SEEK_SET);
        fputc(c ^ 0x40, f);
        fclose(f);
    }
    CHECK(failure_code([&]() { read_state_file(file, "fingerprint-1", back, back_params); }) == TT_CHECKPOINT);
    // not a checkpoint at all, and a missing one
    {
        FILE * f = fopen(file.c_str(), "wb");
        fputs("hello, this is not a checkpoint", f);
        fclose(f);
    }
    CHECK(failure_code([&]() { read_state_file(file, "fingerprint-1", back, back_params); }) == TT_CHECKPOINT);
    CHECK(failure_code([&]() { read_state_file((dir / "missing.bin").string(), "x", back, back_params); }) == TT_CHECKPOINT);

    // DIR/latest: a name inside DIR, never a path elsewhere
    CHECK(ckpt_latest(dir.string()).empty());
    {
        FILE * f = fopen((dir / "latest").string().c_str(), "wb");
        fputs("step-00000007\n", f);
        fclose(f);
    }
    CHECK(ckpt_latest(dir.string()) == (dir / "step-00000007").string());
    {
        FILE * f = fopen((dir / "latest").string().c_str(), "wb");
        fputs("../elsewhere", f);
        fclose(f);
    }
    CHECK(ckpt_latest(dir.string()).empty());
    std::error_code ec;
    fs::remove_all(dir, ec);
}

int main() {
    test_packing();
    test_packing_sample_limit();
    test_schedule();
    test_checkpoint_round_trip();
    printf("{\"checks\":%d,\"failed\":%d}\n", g_checks, g_failed);
    return g_failed == 0 ? 0 : 1;
}
