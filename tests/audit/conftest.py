import pytest
from dataclasses import replace

from engine.audit import checkpoint


@pytest.fixture
def store(app, tmp_path):
    """The app's audit checkpoints and their key in a folder of this test's own."""
    settings = replace(app.config["SLRT_SETTINGS"], checkpoint_dir=str(tmp_path / "jangkar"),
                       checkpoint_key_file=str(tmp_path / "rahasia" / "jangkar.key"))
    app.config["SLRT_SETTINGS"] = settings
    app.extensions["slrt"].settings = settings
    return checkpoint.Store.from_settings(settings)
