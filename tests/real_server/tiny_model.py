"""A tiny llama-architecture GGUF with random weights, made in about a second for llama-server.

2 layers, 64 dimensions, a sentencepiece BPE vocabulary (byte fallback) trained on a few of
llmdev's own files, a ChatML template in its metadata. One dimension of every embedding is a
large constant, so the final hidden state always points partly the same way; the output rows of
the end-of-turn, `"`, `}` and `]` tokens lean that way, so replies end and constrained JSON closes.
"""

from __future__ import annotations

from pathlib import Path

N_EMBD = 64
N_LAYER = 2
N_HEAD = 4
N_FF = 128
VOCAB_SIZE = 1200
TRAINED_CONTEXT = 8192
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
END_OF_TURN = "<|im_end|>"
# Logit lean per token (times the constant hidden dimension): enough that greedy decoding ends
# after a few dozen tokens and grammar-constrained JSON closes its strings and arrays at once.
LEAN = {END_OF_TURN: 0.55, '"': 0.9, "}": 0.9, "]": 0.9}
SOURCE_FILES = ("llmdev/calls.py", "llmdev/review/reply.py", "llmdev/backends/openai.py", "README.md")


def train_vocabulary(repo_root: Path, workdir: Path) -> Path:
    """A sentencepiece BPE model (byte fallback, ChatML control tokens) trained on a few repo files."""
    import sentencepiece as spm

    corpus = workdir / "corpus.txt"
    texts = [(repo_root / name).read_text(encoding="utf-8") for name in SOURCE_FILES if (repo_root / name).is_file()]
    texts.append('{"findings": [], "summary": "ok"}\n' * 20)
    corpus.write_text("\n".join(texts), encoding="utf-8")
    prefix = workdir / "vocab"
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        model_type="bpe",
        vocab_size=VOCAB_SIZE,
        byte_fallback=True,
        character_coverage=1.0,
        control_symbols=["<|im_start|>", END_OF_TURN],
        max_sentence_length=100000,
        split_digits=True,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def _vocabulary(model_file: Path) -> tuple[list[str], list[float], list[int]]:
    import gguf
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    tokens, scores, types = [], [], []
    for index in range(processor.vocab_size()):
        tokens.append(processor.id_to_piece(index))
        scores.append(processor.get_score(index))
        if processor.is_unknown(index):
            types.append(gguf.TokenType.UNKNOWN)
        elif processor.is_control(index):
            types.append(gguf.TokenType.CONTROL)
        elif processor.is_byte(index):
            types.append(gguf.TokenType.BYTE)
        else:
            types.append(gguf.TokenType.NORMAL)
    return tokens, scores, types


def _weights(tokens: list[str], seed: int, end_of_turn: bool) -> dict[str, "object"]:
    import numpy as np

    rng = np.random.default_rng(seed)
    n_vocab = len(tokens)

    def random(*shape: int, scale: float = 0.02) -> "np.ndarray":
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    embedding = random(n_vocab, N_EMBD, scale=0.1)
    embedding[:, 0] = 1.0  # the constant direction every hidden state keeps
    output = random(n_vocab, N_EMBD, scale=0.3)
    output[:, 0] = 0.0
    for text, lean in LEAN.items():
        for index, token in enumerate(tokens):
            if token in (text, f"▁{text}"):
                output[index, 0] = lean if end_of_turn or text != END_OF_TURN else -lean
    weights = {
        "token_embd.weight": embedding,
        "output_norm.weight": np.ones(N_EMBD, dtype=np.float32),
        "output.weight": output,
    }
    for layer in range(N_LAYER):
        block = f"blk.{layer}"
        weights[f"{block}.attn_norm.weight"] = np.ones(N_EMBD, dtype=np.float32)
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            weights[f"{block}.{name}.weight"] = random(N_EMBD, N_EMBD)
        weights[f"{block}.ffn_norm.weight"] = np.ones(N_EMBD, dtype=np.float32)
        weights[f"{block}.ffn_gate.weight"] = random(N_FF, N_EMBD)
        weights[f"{block}.ffn_up.weight"] = random(N_FF, N_EMBD)
        weights[f"{block}.ffn_down.weight"] = random(N_EMBD, N_FF)
    return weights


def write_model(repo_root: Path, workdir: Path, seed: int = 7, end_of_turn: bool = True) -> Path:
    """Train the vocabulary and write `tiny.gguf` into `workdir`; returns its path.
    `end_of_turn=False` leans away from ending: replies run until a limit (for mid-stream tests)."""
    import gguf

    tokens, scores, types = _vocabulary(train_vocabulary(repo_root, workdir))
    path = workdir / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("llmdev-tiny-random")
    writer.add_context_length(TRAINED_CONTEXT)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(tokens))
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(tokens.index("<s>"))
    writer.add_eos_token_id(tokens.index(END_OF_TURN))
    writer.add_unk_token_id(tokens.index("<unk>"))
    writer.add_eot_token_id(tokens.index(END_OF_TURN))
    writer.add_add_bos_token(True)
    writer.add_chat_template(CHATML)
    for name, tensor in _weights(tokens, seed, end_of_turn).items():
        writer.add_tensor(name, tensor)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
