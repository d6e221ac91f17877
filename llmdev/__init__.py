"""llmdev: AI help on your own code, with a local Llama 3 or GPT-4o."""

__version__ = "0.1.0"
