"""Shared pieces of the training pipeline: images, the coarse copy guide, the deep-feature network,
losses, the networks and ONNX export. Entry scripts live one level up (train_synth.py, train_repair.py)."""
