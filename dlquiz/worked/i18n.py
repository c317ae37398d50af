"""Chinese headings of the worked steps (formulas are language-neutral)."""

from __future__ import annotations

_ZH: dict[str, str] = {
    "Effective kernel size": "有效卷积核大小",
    "Output size": "输出大小",
    "Same padding": "等宽填充",
    "Weights": "权重个数",
    "Biases": "偏置个数",
    "Parameters": "参数个数",
    "Output values": "输出数值个数",
    "Receptive field": "感受野",
    "Padded input": "填充后的输入",
    "Kernel": "卷积核",
    "Output": "输出",
    "Sum of outputs": "输出之和",
    "Inputs": "输入个数",
    "Shift by the maximum": "减去最大值",
    "Exponentials": "指数",
    "Sum of exponentials": "指数之和",
    "Probabilities": "概率",
    "Loss": "损失",
    "Gradient": "梯度",
    "Value": "函数值",
    "Derivative": "导数",
    "Mean": "均值",
    "Variance": "方差",
    "Normalised": "归一化",
    "Scale and shift": "缩放与平移",
    "Mask": "掩码",
    "Intersection": "交集",
    "Union": "并集",
    "IoU": "交并比",
    "Total": "总计",
}


def step_name(name: str, lang: str) -> str:
    """The heading of a step in `lang` (falls back to English)."""
    if lang != "zh":
        return name
    if name in _ZH:
        return _ZH[name]
    head, sep, rest = name.partition(" ")
    if head in _ZH and sep:
        return f"{_ZH[head]} {rest}"
    return name
