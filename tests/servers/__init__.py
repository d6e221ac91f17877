"""Real HTTP servers on 127.0.0.1 that speak Ollama's and OpenAI's wire formats, for tests.

The real `ollama` and `openai` clients (and so llmdev) talk to them; nothing is mocked.

Fixtures (tests/conftest.py), each a started server, stopped after the test:
    ollama_server   OllamaServer at ollama_server.url (models: llama3.1:8b -> 131072 ctx, llama3:8b -> 8192)
    openai_server   OpenAIServer at openai_server.url + "/v1" (models: gpt-4o, gpt-4o-mini; key "test-key")
    use_ollama      ollama_server, with OLLAMA_HOST pointing at it (the default model `local` is
                    ollama/llama3.1:8b, so `run(["ask", "hi"])` reaches it)
    use_openai      openai_server, with OPENAI_BASE_URL and OPENAI_API_KEY=test-key set
                    (pick it with `-m gpt4o` or `-m openai/gpt-4o`)

Replies (both servers):
    server.reply("first answer", "second answer")   queue texts for the next model requests
    server.reply(lambda body: json.dumps({...}))     or callables taking the request JSON body
    server.reply_with(text_or_callable)              what to answer once the queue is empty
Replies stream word by word. Ollama: /api/chat and /api/generate; OpenAI: /v1/chat/completions.

Captured requests:
    server.requests                 every CapturedRequest(method, path, headers, body), in order
    server.model_requests           only the chat/generate/completions ones
    server.requests_to("/api/show")
    server.last_body()              JSON body of the latest model request (or last_body(path))

Faults, for the next matching model request(s) (keywords are `Fault` fields):
    server.fail_next(status=500, message="boom")
    server.fail_next(status=429, code="rate_limit_exceeded", retry_after=0.01, times=2)
    server.fail_next(status=429, code="insufficient_quota", type="insufficient_quota")
    server.fail_next(status=503, message="server busy, please try again.  maximum pending requests exceeded")
    server.fail_next(mid_stream=True, message="llama runner process has terminated", after_chunks=2)
        Ollama: HTTP 200, two chunks, then a last line {"error": ...}
        OpenAI: HTTP 200, two chunks, then the connection is cut (a broken stream)
    server.fail_next(status=500, paths=("/api/pull",))   faults on other paths (Ollama: /api/pull, /api/show, /api/tags; OpenAI: /v1/models)
Built-in behaviour:
    unknown model        Ollama 404 `model "x" not found, try pulling it first` (chat), `model 'x' not found` (show);
                         OpenAI 404 code model_not_found
    bad key              OpenAI 401 code invalid_api_key unless `Authorization: Bearer <server.api_key>`
                         (api_key=None accepts any key)
    prompt too long      OpenAI 400 context_length_exceeded when the prompt (~4 chars/token) exceeds the
                         model's context; Ollama answers 200 but cuts silently: prompt_eval_count =
                         min(tokens sent, num_ctx) with num_ctx from options or server.default_num_ctx (4096)
    max output tokens    num_predict / max_tokens / max_completion_tokens cut the reply, finish "length"
    reloads              OllamaServer.loads lists (model, num_ctx) each time num_ctx changed for a model
    full window          Ollama ends with done_reason "length" when prompt + reply reach num_ctx
    /api/show versions   OllamaServer.show_variant: "model_info" (llama.context_length), "qwen2"
                         (qwen2.context_length), "parameters" (no model_info; `num_ctx N` in parameters)
    compatible servers   OpenAIServer.flavour = "llama-server" | "llama-cpp-python" | "vllm" replays
                         their quirks (meta.n_ctx and /props, exceed_context_size_error, json_schema
                         refused as HTTP 500, no usage chunk, an over-window stream with no event;
                         vLLM: max_model_len, input + max_tokens over the window -> 400 BadRequestError)
    pull                 OllamaServer /api/pull streams progress and adds the model (context
                         server.pull_context_length); names outside server.pullable (when set) fail
                         with a mid-stream error line
    /v1/models           OpenAIServer.report_context = True adds vLLM's `max_model_len` to each entry
Slow replies (model endpoints): server.delay_first (seconds before the first byte),
server.delay_between (seconds between chunks). server.disconnects counts replies the client
hung up on mid-way (a timed-out or interrupted client; it rises when the server's next write fails).
Parallel requests: server.in_flight (model requests being answered now) and server.max_in_flight
(the most at once); a callable reply may sleep to make chosen replies slower than others.
Connection refused: `closed_port_url()` gives an http://127.0.0.1:PORT where nothing listens.
Servers can also be used directly: `with OllamaServer(models={"m:1b": 2048}) as server: ...`.
"""

from tests.servers.base import CapturedRequest, Fault, closed_port_url
from tests.servers.ollama import OllamaServer
from tests.servers.openai import OpenAIServer

__all__ = ["CapturedRequest", "Fault", "OllamaServer", "OpenAIServer", "closed_port_url"]
