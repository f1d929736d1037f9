#include "common.h"
#include "dataset.h"

//
// TTDS v1 dataset
//



ttds load_ttds(const std::string & path, const char * what) {
    ttds ds;
    ds.path = path;
    FILE * f = fopen(path.c_str(), "rb");
    if (!f) {
        TT_FAIL(TT_DATASET, "cannot open %s dataset '%s': %s", what, path.c_str(), strerror(errno));
    }
    std::vector<uint8_t> buf;
    {
        uint8_t chunk[1 << 16];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            buf.insert(buf.end(), chunk, chunk + n);
        }
        const bool err = ferror(f);
        fclose(f);
        if (err) {
            TT_FAIL(TT_DATASET, "read error on %s dataset '%s'", what, path.c_str());
        }
    }
    if (buf.size() < 32) {
        TT_FAIL(TT_DATASET, "%s dataset '%s' is truncated: %zu bytes, the TTDS header alone is 32", what, path.c_str(), buf.size());
    }
    if (memcmp(buf.data(), "TTDS", 4) != 0) {
        TT_FAIL(TT_DATASET, "%s dataset '%s' is not a TTDS file (bad magic)", what, path.c_str());
    }
    const uint32_t version = read_le<uint32_t>(buf.data() + 4);
    if (version != 1) {
        TT_FAIL(TT_DATASET, "%s dataset '%s' has TTDS version %u, this trainer reads version 1", what, path.c_str(), version);
    }
    ds.n_vocab                 = read_le<uint32_t>(buf.data() + 8);
    const uint32_t n_samples   = read_le<uint32_t>(buf.data() + 12);
    const uint64_t n_tokens    = read_le<uint64_t>(buf.data() + 16);
    ds.vocab_hash              = read_le<uint64_t>(buf.data() + 24);
    if (n_tokens > (uint64_t(1) << 40)) {
        TT_FAIL(TT_DATASET, "%s dataset '%s': implausible n_tokens %" PRIu64, what, path.c_str(), n_tokens);
    }
    const uint64_t expected = 32 + 8*(uint64_t(n_samples) + 1) + 4*n_tokens + n_tokens;
    if (buf.size() != expected) {
        TT_FAIL(TT_DATASET, "%s dataset '%s': file is %zu bytes but its header (%u samples, %" PRIu64 " tokens) needs %" PRIu64 " bytes%s",
            what, path.c_str(), buf.size(), n_samples, n_tokens, expected, buf.size() < expected ? " (truncated)" : "");
    }
    const uint8_t * p = buf.data() + 32;
    ds.offsets.resize(size_t(n_samples) + 1);
    for (size_t i = 0; i <= n_samples; ++i, p += 8) {
        ds.offsets[i] = read_le<uint64_t>(p);
    }
    if (ds.offsets[0] != 0 || ds.offsets[n_samples] != n_tokens) {
        TT_FAIL(TT_DATASET, "%s dataset '%s': offsets must start at 0 and end at n_tokens (%" PRIu64 "), got %" PRIu64 "..%" PRIu64,
            what, path.c_str(), n_tokens, ds.offsets[0], ds.offsets[n_samples]);
    }
    for (size_t i = 0; i < n_samples; ++i) {
        if (ds.offsets[i + 1] < ds.offsets[i]) {
            TT_FAIL(TT_DATASET, "%s dataset '%s': offsets decrease at sample %zu", what, path.c_str(), i);
        }
    }
    ds.tokens.resize(n_tokens);
    for (uint64_t i = 0; i < n_tokens; ++i, p += 4) {
        const int32_t id = read_le<int32_t>(p);
        if (id < 0 || (uint32_t) id >= ds.n_vocab) {
            TT_FAIL(TT_DATASET, "%s dataset '%s': token %" PRIu64 " has id %d outside [0, n_vocab=%u)", what, path.c_str(), i, id, ds.n_vocab);
        }
        ds.tokens[i] = id;
    }
    ds.mask.assign(p, p + n_tokens);
    for (uint64_t i = 0; i < n_tokens; ++i) {
        if (ds.mask[i] > 1) {
            TT_FAIL(TT_DATASET, "%s dataset '%s': mask byte %" PRIu64 " is %u, must be 0 or 1", what, path.c_str(), i, ds.mask[i]);
        }
    }
    return ds;
}

uint64_t vocab_fnv1a(const llama_vocab * vocab) {
    uint64_t h = 0xcbf29ce484222325ULL;
    const int32_t n = llama_vocab_n_tokens(vocab);
    for (int32_t id = 0; id < n; ++id) {
        const char * text = llama_vocab_get_text(vocab, id);
        for (const unsigned char * c = (const unsigned char *) text; c && *c; ++c) {
            h ^= *c;
            h *= 0x100000001b3ULL;
        }
        h ^= 0;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void check_vocab(const ttds & ds, const llama_vocab * vocab, uint64_t model_hash, const char * what) {
    const int32_t n_vocab = llama_vocab_n_tokens(vocab);
    if ((int64_t) ds.n_vocab != n_vocab) {
        TT_FAIL(TT_VOCAB_MISMATCH, "%s dataset '%s' was tokenized for a vocabulary of %u tokens, the model has %d: re-tokenize the data for this model",
            what, ds.path.c_str(), ds.n_vocab, n_vocab);
    }
    if (ds.vocab_hash != model_hash) {
        TT_FAIL(TT_VOCAB_MISMATCH, "%s dataset '%s' was tokenized with a different tokenizer (vocab hash %016" PRIx64 ", model %016" PRIx64 "): re-tokenize the data for this model",
            what, ds.path.c_str(), ds.vocab_hash, model_hash);
    }
}

//
// packing samples into windows
//



tt_windows pack_windows(const ttds & ds, uint32_t ctx, bool drop_overlong, int32_t pad_token) {
    tt_windows w;
    w.ctx = ctx;
    std::vector<int32_t> cur_tok, cur_lab, cur_seq;
    int64_t cur_trained = 0;
    int32_t cur_samples = 0;
    auto flush = [&]() {
        if (cur_tok.empty()) {
            return;
        }
        if (cur_trained > 0) {
            cur_tok.resize(ctx, pad_token);
            cur_lab.resize(ctx, -1);
            cur_seq.resize(ctx, cur_samples - 1);
            w.tokens.insert(w.tokens.end(), cur_tok.begin(), cur_tok.end());
            w.labels.insert(w.labels.end(), cur_lab.begin(), cur_lab.end());
            w.seq_ids.insert(w.seq_ids.end(), cur_seq.begin(), cur_seq.end());
            w.n_trained.push_back(cur_trained);
            w.total_trained += cur_trained;
            w.max_samples_per_window = std::max(w.max_samples_per_window, cur_samples);
        }
        cur_tok.clear();
        cur_lab.clear();
        cur_seq.clear();
        cur_trained = 0;
        cur_samples = 0;
    };
    for (size_t s = 0; s < ds.n_samples(); ++s) {
        const uint64_t b = ds.offsets[s];
        uint64_t len = ds.offsets[s + 1] - b;
        if (len > ctx) {
            if (drop_overlong) {
                w.dropped_samples++;
                continue;
            }
            w.truncated_samples++;
            len = ctx;
        }
        int64_t trained = 0;
        for (uint64_t p = 1; p < len; ++p) {
            trained += ds.mask[b + p];
        }
        if (trained == 0) {
            w.empty_samples++;
            continue;
        }
        if (cur_tok.size() + len > ctx || cur_samples == TT_MAX_SAMPLES_PER_WINDOW) {
            flush();
        }
        for (uint64_t p = 0; p < len; ++p) {
            cur_tok.push_back(ds.tokens[b + p]);
            const bool target = p + 1 < len && ds.mask[b + p + 1];
            cur_lab.push_back(target ? ds.tokens[b + p + 1] : -1);
            cur_seq.push_back(cur_samples);
        }
        cur_trained += trained;
        cur_samples++;
    }
    flush();
    return w;
}
