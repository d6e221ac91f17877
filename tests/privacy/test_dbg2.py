import json, subprocess
from llmdev.cli import run
from tests.privacy import corpus
def test_x(repo, remote_openai, capsys):
    doc = corpus.documents()[0]
    (repo / "app").mkdir(); (repo / "secrets").mkdir()
    (repo / "app" / "settings.py").write_text(doc.text)
    (repo / "secrets" / "prod.yaml").write_text(corpus.private_file_text("secrets/prod.yaml"))
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    code = run(["review", "-m", "local", "--dry-run"])
    out, err = capsys.readouterr()
    print("CODE", code, err[:1000], out[:3000])
    assert 0
