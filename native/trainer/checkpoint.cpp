#include "common.h"
#include "checkpoint.h"
#include "dataset.h"
#include "files.h"
#include "options.h"

//
// checkpoints: DIR/step-NNNNNNNN/{adapter.gguf|model.gguf, state.bin}, DIR/latest names the newest
//



static const char   TTCK_MAGIC[4] = {'T', 'T', 'C', 'K'};
static const uint32_t TTCK_VERSION = 1;

struct byte_writer {
    std::vector<uint8_t> buf;
    void raw(const void * p, size_t n) { buf.insert(buf.end(), (const uint8_t *) p, (const uint8_t *) p + n); }
    template <typename T> void put(T v) {
        for (size_t i = 0; i < sizeof(T); ++i) { buf.push_back((uint8_t) ((uint64_t) v >> (8*i))); }
    }
    void str(const std::string & s) { put<uint64_t>(s.size()); raw(s.data(), s.size()); }
    void f32s(const std::vector<float> & v) {
        put<uint64_t>(v.size());
        for (float f : v) { uint32_t u; memcpy(&u, &f, 4); put<uint32_t>(u); }
    }
};

struct byte_reader {
    const std::vector<uint8_t> & buf;
    size_t pos = 0;
    std::string path;
    void need(size_t n) {
        if (pos + n > buf.size() || pos + n < pos) {
            TT_FAIL(TT_CHECKPOINT, "checkpoint state '%s' is truncated", path.c_str());
        }
    }
    template <typename T> T get() { need(sizeof(T)); T v = read_le<T>(buf.data() + pos); pos += sizeof(T); return v; }
    std::string str() { const uint64_t n = get<uint64_t>(); need(n); std::string s((const char *) buf.data() + pos, n); pos += n; return s; }
    std::vector<float> f32s() {
        const uint64_t n = get<uint64_t>();
        need(n*4);
        std::vector<float> v(n);
        for (uint64_t i = 0; i < n; ++i) { const uint32_t u = get<uint32_t>(); memcpy(&v[i], &u, 4); }
        return v;
    }
};

uint64_t fnv1a_bytes(const uint8_t * p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; ++i) { h ^= p[i]; h *= 0x100000001b3ULL; }
    return h;
}

std::string ckpt_latest(const std::string & dir) {
    const fs::path latest = fs::path(dir) / "latest";
    FILE * f = fopen(latest.string().c_str(), "rb");
    if (!f) {
        return "";
    }
    char buf[256] = {0};
    const size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    std::string name(buf, n);
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' ')) {
        name.pop_back();
    }
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos) {
        return "";
    }
    return (fs::path(dir) / name).string();
}

// optimizer state of every trainable tensor (AdamW m and v), read from ggml-opt
std::vector<tt_saved_param> read_opt_state(ggml_opt_context_t opt_ctx) {
    std::vector<tt_saved_param> out;
    const int n = ggml_opt_n_state(opt_ctx);
    for (int i = 0; i < n; ++i) {
        ggml_tensor * param = nullptr, * m = nullptr, * v = nullptr;
        ggml_opt_get_state(opt_ctx, i, &param, &m, &v);
        tt_saved_param sp;
        sp.name = param->name;
        sp.m.resize(ggml_nelements(m));
        sp.v.resize(ggml_nelements(v));
        ggml_backend_tensor_get(m, sp.m.data(), 0, ggml_nbytes(m));
        ggml_backend_tensor_get(v, sp.v.data(), 0, ggml_nbytes(v));
        out.push_back(std::move(sp));
    }
    std::sort(out.begin(), out.end(), [](const tt_saved_param & a, const tt_saved_param & b) { return a.name < b.name; });
    return out;
}

void write_state_file(const std::string & path, const std::string & fingerprint, const tt_progress_state & st,
                             const std::vector<tt_saved_param> & params) {
    byte_writer w;
    w.raw(TTCK_MAGIC, 4);
    w.put<uint32_t>(TTCK_VERSION);
    w.str(fingerprint);
    w.put<int64_t>(st.step);
    w.put<int64_t>(st.epoch);
    w.put<int64_t>(st.next_window);
    w.put<int64_t>(st.opt_iter);
    w.put<int64_t>(st.trained_tokens);
    w.str(st.rng_state);
    w.put<uint64_t>(st.order.size());
    for (uint32_t x : st.order) { w.put<uint32_t>(x); }
    w.put<uint64_t>(params.size());
    for (const auto & p : params) {
        w.str(p.name);
        w.f32s(p.m);
        w.f32s(p.v);
    }
    const uint64_t h = fnv1a_bytes(w.buf.data(), w.buf.size());
    w.put<uint64_t>(h);
    FILE * f = open_for_write(path);
    try {
        write_all(f, w.buf.data(), w.buf.size(), path);
    } catch (...) {
        fclose(f);
        throw;
    }
    close_synced(f, path);
}

void read_state_file(const std::string & path, const std::string & fingerprint, tt_progress_state & st,
                            std::vector<tt_saved_param> & params) {
    FILE * f = fopen(path.c_str(), "rb");
    if (!f) {
        TT_FAIL(TT_CHECKPOINT, "cannot open checkpoint state '%s': %s", path.c_str(), strerror(errno));
    }
    std::vector<uint8_t> buf;
    {
        uint8_t chunk[1 << 16];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            buf.insert(buf.end(), chunk, chunk + n);
        }
        fclose(f);
    }
    if (buf.size() < 16 || memcmp(buf.data(), TTCK_MAGIC, 4) != 0) {
        TT_FAIL(TT_CHECKPOINT, "'%s' is not a ToolTune checkpoint state", path.c_str());
    }
    const uint64_t h_stored = read_le<uint64_t>(buf.data() + buf.size() - 8);
    if (fnv1a_bytes(buf.data(), buf.size() - 8) != h_stored) {
        TT_FAIL(TT_CHECKPOINT, "checkpoint state '%s' is corrupt (checksum mismatch)", path.c_str());
    }
    byte_reader r{buf, 4, path};
    const uint32_t version = r.get<uint32_t>();
    if (version != TTCK_VERSION) {
        TT_FAIL(TT_CHECKPOINT, "checkpoint state '%s' has version %u, expected %u", path.c_str(), version, TTCK_VERSION);
    }
    const std::string fp = r.str();
    if (fp != fingerprint) {
        TT_FAIL(TT_CHECKPOINT, "checkpoint '%s' was made with different data or options (%s), now (%s): resume with the same --data, --ctx, --batch, --ubatch, --rank, --targets, --full, --seed, --overlong",
            path.c_str(), fp.c_str(), fingerprint.c_str());
    }
    st.step           = r.get<int64_t>();
    st.epoch          = r.get<int64_t>();
    st.next_window    = r.get<int64_t>();
    st.opt_iter       = r.get<int64_t>();
    st.trained_tokens = r.get<int64_t>();
    st.rng_state      = r.str();
    const uint64_t n_order = r.get<uint64_t>();
    r.need(n_order*4);
    st.order.resize(n_order);
    for (auto & x : st.order) { x = r.get<uint32_t>(); }
    const uint64_t n_params = r.get<uint64_t>();
    params.clear();
    for (uint64_t i = 0; i < n_params; ++i) {
        tt_saved_param p;
        p.name = r.str();
        p.m = r.f32s();
        p.v = r.f32s();
        params.push_back(std::move(p));
    }
}

std::string fingerprint_of(const tt_options & o, const ttds & ds, size_t n_windows) {
    uint64_t h = fnv1a_bytes((const uint8_t *) ds.tokens.data(), ds.tokens.size()*sizeof(int32_t));
    h ^= fnv1a_bytes(ds.mask.data(), ds.mask.size());
    std::string targets;
    for (const auto & t : o.targets) { targets += (targets.empty() ? "" : ",") + t; }
    return string_format("data=%016" PRIx64 " windows=%zu ctx=%u batch=%u ubatch=%u mode=%s rank=%d targets=%s seed=%" PRIu64 " overlong=%s shuffle=%d",
        h, n_windows, o.ctx, o.batch, o.ubatch, o.full ? "full" : "lora", o.full ? 0 : o.rank, o.full ? "all" : targets.c_str(),
        o.seed, o.overlong.c_str(), o.shuffle ? 1 : 0);
}
