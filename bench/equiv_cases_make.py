"""Writes bench/equiv_cases.jsonl: reference/candidate pairs by topic with the expected verdict.

Each expected verdict is the mathematics of the pair (decided by hand), not the checker's output.
Run: .venv/bin/python bench/equiv_cases_make.py
"""

import json
from pathlib import Path

# ruff: noqa: E501  (a table: one case per line reads best)
C: list[dict] = []


def add(topic, ref, cand, expect, assume=(), latex=None, let=None):
    d = {
        "id": f"{topic}-{sum(1 for c in C if c['topic'] == topic) + 1}",
        "topic": topic,
        "reference": ref,
        "candidate": cand,
        "expect": expect,
    }
    if assume:
        d["assume"] = list(assume)
    if latex is not None:
        d["latex"] = latex
    if let:
        d["let"] = let
    C.append(d)


E, N, D, U, X = "equal", "not_equal", "domain_only", "undecided", "error"
T = "act.sigmoid"
add(T, "sigma(x)*(1-sigma(x))", "exp(-x)/(1+exp(-x))^2", E)
add(T, "d/dx sigma(x)", "sigma(x)*(1-sigma(x))", E)
add(T, "sigma(x)", "1/(1+exp(-x))", E)
add(T, "sigma(x)", "exp(x)/(1+exp(x))", E)
add(T, "sigma(-x)", "1-sigma(x)", E)
add(T, "d/dx sigma(x)", "(1-sigma(x))^2", N)
add(T, "d/dx sigma(x)", "sigma(x)*(1+sigma(x))", N)
add(T, "d/dx sigma(x)", "sigma(x)^2", N)
add(T, "sigma(x)", "1/(1+exp(x))", N)
add(T, "sigma(x)", "1/(1-exp(-x))", N)
add(T, r"\frac{1}{1+e^{-x}}", "sigma(x)", E)
add(T, "d/dx sigma(2x)", "2 sigma(2x)(1-sigma(2x))", E)
add(T, "d/dx sigma(2x)", "sigma(2x)(1-sigma(2x))", N)
add(T, "sigma(x)*(1-sigma(x))", "sigma(x)*sigma(-x)", E)
add(T, "sigma(x)", "1/2 + tanh(x/2)/2", E)
add(T, r"\sigma(x)\left(1-\sigma(x)\right)", r"\frac{1}{e^{x}+2+e^{-x}}", E)
add(T, "sigma(x)*(1-sigma(x))", "1/(exp(x)+2+exp(-x)) + 10^-12", N)
add(T, "sigma(x)", "sigma(x)*(1+10^-15)", N)
add(T, "d/dx sigma(x)", "s(1-s)", E, let={"s": "sigma(x)"})
T = "act.tanh"
add(T, "tanh(x)", "2 sigma(2x)-1", E)
add(T, "tanh(x)", "(e^x-e^-x)/(e^x+e^-x)", E)
add(T, "tanh(x)", "(e^x-e^-x)/(e^x+e^x)", N)  # erratum 000
add(T, "d/dx tanh(x)", "1-tanh(x)^2", E)
add(T, "d/dx tanh(x)", "1-tanh(x)", N)
add(T, "1-tanh(x)^2", "4/(e^x+e^-x)^2", E)
add(T, "tanh(x)", "(1-e^(-2x))/(1+e^(-2x))", E)
add(T, "tanh(x)", "2 sigma(x)-1", N)
add(T, "tanh(x)", "(e^(2x)-1)/(e^(2x)+1)", E)
add(T, r"\tanh^2(x)", "tanh(x)^2", E)
add(T, r"1-\tanh^2 x", "1/cosh(x)^2", E)
add(T, "tanh(x)", "sigma(2x) - sigma(-2x)", E)
add(T, r"\frac{e^{x}-e^{-x}}{e^{x}+e^{-x}}", r"\frac{e^{x}-e^{-x}}{e^{x}+e^{x}}", N)
T = "act.relu"
add(T, "relu(x)", "max(0,x)", E)
add(T, "relu(x)", "(x+|x|)/2", E)
add(T, "relu(x)", "x", D)
add(T, "relu(x)", "abs(x)", D)
add(T, "relu(x)", "x", E, ["x>0"])
add(T, "relu(x)", "0", E, ["x<0"])
add(T, "d/dx relu(x)", "1", E, ["x>0"])
add(T, "d/dx relu(x)", "0", E, ["x<0"])
add(T, "relu(x)", "max(x, 0.01x)", D)
T = "act.leaky"
add(T, "leaky_relu(x)", "max(x, 0.01x)", E)
add(T, "leaky_relu(x)", "leaky_relu(x, 0.1)", D)  # erratum 004: 0.1 vs 0.01
add(T, "leaky_relu(x)", "leaky_relu(x, 0.1)", N, ["x<0"])
add(T, "leaky_relu(x, gamma)", "max(x, gamma*x)", E, ["0<gamma<1"])
add(T, "leaky_relu(x)", "0.01x", E, ["x<0"])
T = "act.elu"
add(T, "elu(x)", "x", E, ["x>0"])
add(T, "elu(x)", "exp(x)-1", E, ["x<0"])
add(T, "elu(x, gamma)", "gamma*(exp(x)-1)", E, ["x<0"])
add(T, "elu(x)", "exp(x)-1", D)
add(T, "elu(x, gamma)", "gamma*(exp(x)+1)", N, ["x<0", "gamma>0"])
T = "act.softplus"
add(T, "d/dx softplus(x)", "sigma(x)", E)
add(T, "softplus(x)", "ln(1+e^x)", E)
add(T, "softplus(x)-softplus(-x)", "x", E)
add(T, "d/dx softplus(x)", "1/(1+exp(x))", N)
add(T, "softplus(x)", "log(1+exp(-x))", N)
add(T, "softplus(x)", "x + softplus(-x)", E)
add(T, r"\log(1+e^{x})", "softplus(x)", E)
T = "act.swish-gelu"
add(T, "swish(x)", "x*sigma(x)", E)
add(T, "swish(x)", "x/(1+exp(-x))", E)
add(T, "d/dx swish(x)", "sigma(x) + x*sigma(x)*(1-sigma(x))", E)
add(T, "d/dx swish(x)", "sigma(x)", N)
add(T, "gelu(x)", "x*Phi(x)", E)
add(T, "gelu(x)", "x*(1+erf(x/sqrt(2)))/2", E)
add(T, "gelu(x)", "x*sigma(1.702x)", N)
add(T, "Phi(x)", "(1+erf(x/sqrt(2)))/2", E)
add(T, "d/dx Phi(x)", "exp(-x^2/2)/sqrt(2 pi)", E)
add(T, "swish(x, beta)", "x*sigma(beta*x)", E)
add(T, "d/dx Phi(x)", "exp(-x^2)/sqrt(2 pi)", N)
T = "loss.bce"
add(T, "-(y*log(p) + (1-y)*log(1-p))", "-y*log(p) - (1-y)*log(1-p)", E, ["0<p<1"])
add(T, "d/dp (-(y*ln(p) + (1-y)*ln(1-p)))", "(p-y)/(p(1-p))", E, ["0<p<1"])
add(T, "d/dp (-(y*ln(p) + (1-y)*ln(1-p)))", "(y-p)/(p(1-p))", N, ["0<p<1"])
add(T, "-log(p)", "log(1/p)", E, ["0<p<1"])
add(T, "d/dz (-(y*log(sigma(z)) + (1-y)*log(1-sigma(z))))", "sigma(z) - y", E)
add(T, "d/dz (-(y*log(sigma(z)) + (1-y)*log(1-sigma(z))))", "y - sigma(z)", N)
add(T, "d/dz (-(y*log(sigma(z)) + (1-y)*log(1-sigma(z))))", "(sigma(z)-y)*sigma(z)*(1-sigma(z))", N)
add(T, "-(y*log(p) + (1-y)*log(1-p))", "-log(p^y*(1-p)^(1-y))", E, ["0<p<1", "y in {0,1}"])
add(T, "-(y*log(p) + (1-y)*log(1-p))", "-log(p)", D, ["0<p<1", "y in {0,1}"])
add(T, r"-\left(y\log\hat{y}+(1-y)\log(1-\hat{y})\right)", "-(y*log(yhat)+(1-y)*log(1-yhat))", E, ["0<yhat<1"])
T = "loss.ce"
add(T, "-sum(y_k*log(p_k),k,1,K)", "-sum(y_j*log(p_j),j,1,K)", E, ["0<p<1"])
add(T, "-(y1*log(p1)+y2*log(p2))", "-y_1*ln(p_1)-y_2*ln(p_2)", E, ["0<p<1"])
add(T, "sum(y_k,k,1,K)", "sum(y_k,k,1,K-1)+y_K", E)
add(T, "sum(y_k,k,1,K)", "sum(y_k,k,0,K)", N)
add(T, "sum(y_k,k,1,K)", "sum(y_k,k,1,K-1)", N)
add(T, "sum(k,k,1,K)", "K(K+1)/2", E)
add(T, "sum(k,k,1,K)", "K(K-1)/2", N)
add(T, "sum(k^2,k,1,K)", "K(K+1)(2K+1)/6", E)
add(T, "sum(2^k,k,0,K)", "2^(K+1)-1", E)
add(
    T,
    "-(y1*log(p1)+y2*log(p2)+y3*log(p3))",
    "-log(p1)",
    D,
    ["y1+y2+y3=1", "y1 in {0,1}", "y2 in {0,1}", "y3 in {0,1}", "0<p<1"],
)
add(T, "y1*log(p1)+y2*log(p2)+y3*log(p3)", "y1*log(p1)+y2*log(p2)+(1-y1-y2)*log(p3)", E, ["y1+y2+y3=1", "0<p<1"])
add(T, r"-\sum_{k=1}^{K} y_k \log \hat{y}_k", "-sum(y_k*log(yhat_k),k,1,K)", E, ["0<yhat<1"])
T = "softmax.grad"
add(T, "softmax(o)_i - y_i", "p_i - y_i", E, let={"p_i": "softmax(o)_i"})
add(T, "softmax(o)_i - y_i", "y_i - softmax(o)_i", N)
add(T, "d/do_i (-log(softmax(o_i)))", "softmax(o_i) - 1", E)
add(T, "p_i*(delta(i,j) - p_j)", "p_i*(1-p_i)", D)
add(T, "p_i*(delta(i,j) - p_j)", "p_i*delta(i,j) - p_i*p_j", E)
add(T, "p_i*(delta(i,j) - p_j)", "-p_i*p_j", D)
add(T, "exp(o_1)/(exp(o_1)+exp(o_2))", "sigma(o_1-o_2)", E)
add(T, "exp(o_1)/(exp(o_1)+exp(o_2))", "1/(1+exp(o_2-o_1))", E)
add(T, "exp(o_1)/(exp(o_1)+exp(o_2))", "sigma(o_2-o_1)", N)
add(T, "exp(o_1)/(exp(o_1)+exp(o_2)+exp(o_3))", "exp(o_1-o_3)/(exp(o_1-o_3)+exp(o_2-o_3)+1)", E)
add(T, "d/do_1 (-log(exp(o_1)/(exp(o_1)+exp(o_2))))", "exp(o_1)/(exp(o_1)+exp(o_2)) - 1", E)
add(T, "d/do_2 (-log(exp(o_1)/(exp(o_1)+exp(o_2))))", "exp(o_2)/(exp(o_1)+exp(o_2))", E)
add(T, "d/do_2 (-log(exp(o_1)/(exp(o_1)+exp(o_2))))", "-exp(o_2)/(exp(o_1)+exp(o_2))", N)
add(T, r"\frac{\partial L}{\partial o_i}", "softmax(o)_i - y_i", U)
T = "logreg"
add(T, "d/dw (-(y*log(sigma(w*x+b)) + (1-y)*log(1-sigma(w*x+b))))", "(sigma(w*x+b)-y)*x", E)
add(T, "d/dw (-(y*log(sigma(w*x+b)) + (1-y)*log(1-sigma(w*x+b))))", "sigma(w*x+b)-y", N)
add(T, "d/db (-(y*log(sigma(w*x+b)) + (1-y)*log(1-sigma(w*x+b))))", "sigma(w*x+b)-y", E)
add(T, "w - alpha*(sigma(w*x+b)-y)*x", "w + alpha*(y-sigma(w*x+b))*x", E)
add(T, "w - alpha*(sigma(w*x+b)-y)*x", "w + alpha*(sigma(w*x+b)-y)*x", N)
add(T, r"\sigma(w x + b)", "1/(1+exp(-w*x-b))", E)
T = "perceptron"
add(T, "max(0, -y*(w*x+b))", "relu(-y*(w*x+b))", E)
add(T, "max(0, -y*(w*x+b))", "max(0, y*(w*x+b))", N)
add(T, "(r^2+1)/rho^2", "(1+r^2)*rho^(-2)", E)
add(T, "(r^2+1)/rho^2", "(r+1)^2/rho^2", N, ["r>0"])
T = "loss.mse"
add(T, "d/da (1/2*(a-y)^2)", "a - y", E)
add(T, "d/da (1/2*(a-y)^2)", "2(a-y)", N)
add(T, "d/da ((a-y)^2)", "a - y", N)
add(T, "1/(2m)*sum((a_i-y_i)^2,i,1,m)", "sum((a_i-y_i)^2,i,1,m)/(2m)", E)
add(T, "d/dw (1/2*(w*x-y)^2)", "(w*x-y)*x", E)
add(T, "d/dw (1/(2m)*sum((w*x_i-y_i)^2,i,1,m))", "1/m*sum((w*x_i-y_i)*x_i,i,1,m)", E)
add(T, "d/dw (1/(2m)*sum((w*x_i-y_i)^2,i,1,m))", "sum((w*x_i-y_i)*x_i,i,1,m)", N)
add(T, "d/dz (1/2*(sigma(z)-y)^2)", "(sigma(z)-y)*sigma(z)*(1-sigma(z))", E)
add(T, "d/dz (1/2*(sigma(z)-y)^2)", "sigma(z)-y", N)
add(T, r"\frac{1}{2m}\sum_{i=1}^{m}(a_i-y_i)^2", "1/(2m)*sum((a_i-y_i)^2,i,1,m)", E)
T = "backprop.layer"
add(T, "da*sigma(z)*(1-sigma(z))", "da*sigma'(z)", E)
add(T, "da*sigma(z)*(1-sigma(z))", "da*(1-sigma(z))^2", N)
add(T, "da*(1-tanh(z)^2)", "da*(1-tanh(z))", N)
add(T, "dz*a_prev", "a_prev*dz", E)
add(T, "dz*a_prev/m", "dz*a_prev", N)
add(T, "d/dz relu(z)", "1", E, ["z>0"])
T = "rnn.bptt"
add(T, "d/dW tanh(U*x + W*h)", "(1-tanh(U*x+W*h)^2)*h", E)
add(T, "d/dW tanh(U*x + W*h)", "(1-tanh(U*x+W*h))*h", N)
add(T, "sum(W^(t-k),k,1,t)", "sum(W^j,j,0,t-1)", E)
add(T, "sum(W^(t-k),k,1,t)", "sum(W^j,j,1,t)", N)
add(T, "sum(W^(t-k),k,1,t)", "(W^t-1)/(W-1)", E)
add(T, r"\sum_{k=1}^{t} W^{t-k}", "sum(W^(t-k),k,1,t)", E)
T = "lstm.gates"
add(T, "f_t*c_{t-1} + i_t*ctilde_t", "i_t*ctilde_t + c_{t-1}*f_t", E)
add(T, "o_t*tanh(c_t)", "tanh(o_t*c_t)", N)
add(T, "d/dc_{t-1} (f_t*c_{t-1} + i_t*ctilde_t)", "f_t", E)
add(T, "sigma(W_f*h + U_f*x + b_f)", "1/(1+exp(-(W_f*h + U_f*x + b_f)))", E)
add(T, r"f_t c_{t-1} + i_t \tilde{c}_t", "f_t*c_{t-1} + i_t*ctilde_t", E)
T = "opt.ewma"
add(T, "beta*v + (1-beta)*theta", "v + (1-beta)*(theta - v)", E)
add(T, "beta*v + (1-beta)*theta", "(1-beta)*v + beta*theta", N)
add(T, "beta*v + (1-beta)*theta", "beta*v + beta*theta", N)
add(T, "v/(1-beta^t)", "v*(1/(1-beta^t))", E)
add(
    T,
    "beta*(beta*v_0 + (1-beta)*theta_1) + (1-beta)*theta_2",
    "beta^2*v_0 + beta*(1-beta)*theta_1 + (1-beta)*theta_2",
    E,
)
T = "opt.momentum"
add(T, "w - alpha*(beta*v + (1-beta)*g)", "w - alpha*beta*v - alpha*(1-beta)*g", E)
add(T, "w - alpha*(beta*v + (1-beta)*g)", "w - alpha*(beta*v + g)", N)
T = "opt.rmsprop"
add(T, "w - alpha*g/(sqrt(s)+epsilon)", "w - alpha*g/sqrt(s)", N, ["s>0", "epsilon>0"])  # erratum 004
add(T, "w - alpha*g/(sqrt(s)+epsilon)", "w - (alpha*g)/(epsilon + s^(1/2))", E, ["s>0", "epsilon>0"])
add(T, "beta*s + (1-beta)*g^2", "beta*s + (1-beta)*g", N)
add(T, r"w - \frac{\alpha g}{\sqrt{s}+\varepsilon}", "w - alpha*g/(sqrt(s)+eps)", E, ["s>0", "epsilon>0"])
T = "opt.adam"
add(T, "m/(1-beta_1^t)", "m/(1-beta1^t)", E)
A = ["s>0", "epsilon>0", "0<beta_1<1", "0<beta_2<1", "t positive integer"]
add(
    T,
    "w - alpha*(m/(1-beta_1^t))/(sqrt(s/(1-beta_2^t))+epsilon)",
    "w - alpha*m/(1-beta_1^t)/(sqrt(s/(1-beta_2^t)) + epsilon)",
    E,
    A,
)
add(T, "w - alpha*(m/(1-beta_1^t))/(sqrt(s/(1-beta_2^t))+epsilon)", "w - alpha*m/(sqrt(s)+epsilon)", N, A)
add(
    T,
    "w - alpha*(m/(1-beta_1^t))/(sqrt(s/(1-beta_2^t))+epsilon)",
    "w - alpha*(m/(1-beta_1^t))/sqrt(s/(1-beta_2^t))",
    N,
    A,
)  # erratum 004
add(T, r"\frac{m_t}{1-\beta_1^t}", "m_t/(1-beta_1^t)", E)
add(T, "beta_2*s + (1-beta_2)*g^2", "beta_2*s + (1-beta_2)*g^2", E)
add(T, "beta_1*m + (1-beta_1)*g", "beta_1*m + (1-beta_2)*g", N)
T = "opt.lr-decay"
add(T, "alpha_0/(1+r*n)", "alpha_0*(1+r*n)^(-1)", E)
add(T, "0.95^n*alpha_0", "alpha_0*0.95^n", E)
add(T, "0.95^n*alpha_0", "alpha_0*0.95*n", N)
add(T, "k/sqrt(t)*alpha_0", "k*alpha_0/sqrt(t)", E, ["t>0"])
add(T, "alpha_0/(1+r*n)", "alpha_0/(1+r)*n", N)
add(T, "k/sqrt(t)*alpha_0", "k/t*alpha_0", N, ["t>0"])
T = "gradcheck"
add(T, "((theta+epsilon)^3 - (theta-epsilon)^3)/(2epsilon)", "3theta^2 + epsilon^2", E, ["epsilon>0"])
add(T, "((theta+epsilon)^3 - theta^3)/epsilon", "3theta^2 + 3theta*epsilon + epsilon^2", E, ["epsilon>0"])
add(T, "((theta+epsilon)^3 - (theta-epsilon)^3)/(2epsilon)", "3theta^2", N, ["epsilon>0"])
add(T, "((θ+ε)^3 - (θ-ε)^3)/(2ε)", "3θ^2 + ε^2", E, ["ε>0"])
T = "conv.size"
add(T, "floor((n+2p-f)/s)+1", "floor((n+2p-f+s)/s)", E, ["n,p,f,s positive integer"])
add(T, "floor((n+2p-f)/s)+1", "(n+2p-f)/s+1", D, ["n,p,f,s positive integer"])
add(T, "M-K+1", "M-(K-1)", E)
add(T, "M+K-1", "M-K+1", N)
add(T, "n + 2*(K-1)/2 - K + 1", "n", E)
add(T, r"\left\lfloor \frac{n+2p-f}{s} \right\rfloor + 1", "floor((n+2p-f)/s)+1", E, ["n,p,f,s positive integer"])
T = "conv.dilated"
add(T, "K + (K-1)(D-1)", "D(K-1)+1", E)
add(T, "K + (K-1)(D-1)", "K*D", N)
T = "conv.channels"
add(T, "(f*f*c_in+1)*c_out", "f^2*c_in*c_out + c_out", E)
add(T, "(f*f*c_in+1)*c_out", "f*f*c_in*c_out", N)
T = "init"
add(T, "1/n", "n^(-1)", E)
add(T, "sqrt(1/n)", "1/sqrt(n)", E, ["n>0"])
add(T, "sqrt(2/n)", "2/sqrt(n)", N, ["n>0"])
T = "domain"
add(T, "sqrt(x^2)", "x", D)
add(T, "sqrt(x^2)", "|x|", E)
add(T, "log(x^2)", "2log(x)", D)
add(T, "log(x^2)", "2log(x)", E, ["x>0"])
add(T, "log(x*y)", "log(x)+log(y)", D)
add(T, "log(x*y)", "log(x)+log(y)", E, ["x>0", "y>0"])
add(T, "x", "sqrt(x^2)", E, ["x>0"])
add(T, "x", "sqrt(x^2)", N, ["x<0"])
add(T, "x/|x|", "1", D)
T = "algebra"
add(T, "x^2-1", "(x-1)(x+1)", E)
add(T, "(a+b)^2", "a^2+b^2", N)
add(T, "(a+b)^2", "a^2+2a*b+b^2", E)
add(T, "x", "x*(1+10^-12)", N)
add(T, "1/3", "0.333333333", N)
add(T, "pi", "3.14159265358979", N)
add(T, "(x^3-1)/(x-1)", "x^2+x+1", E)
add(T, "exp(a)*exp(b)", "exp(a+b)", E)
add(T, "exp(2*log(x))", "x^2", E)
T = "probes"
add(T, "x", "x + relu(0.001 - x^2)", D)
add(T, "log(p)", "log(p) + relu(0.01 - p)", D, ["0<p<1"])
add(T, "x", "x + relu(x - 50)", D)
add(T, "n", "n + floor(n/10)", D, ["n positive integer"])
add(T, "d/dx relu(x)", "step(x)", E)
add(T, "d/dx relu(x)", "(sign(x)+1)/2", E)
add(T, "d/dx relu(x)", "sign(x)", D)
T = "notes-latex"
add(T, r"\frac{1}{1 + \mathbf{exp}(-x)}", "sigma(x)", E)
add(T, r"\frac{1 - \mathbf{exp}(-2x)}{1 + \mathbf{exp}(-2x)}", "tanh(x)", E)
add(T, r"-\sum_i y_i \log \hat{y}_i", "-sum(y_i*log(yhat_i), i, 1, I)", E, ["0<yhat<1"])
add(T, r"max\left(0, -y x\right)", "relu(-x*y)", E)
add(T, r"\frac{r^2 + 1}{\rho^2}", "(r^2+1)/rho^2", E)
add(T, r"\frac{r^2 + 1}{\rho^2}", "(r^2+1)/rho", N, ["rho>0"])
T = "errors"
add(T, "x", "sigm(x)", X)
add(T, "x", "x +", X)
add(T, "x +* 2", "x", X)
add(T, "x", "x.__class__", X)
add(T, "x", "9**9**9**9", X)
# one definition of equal: cases that the old derivation sampler, or random points alone, got wrong
T = "integers"
add(T, "floor(n/10)", "floor((n+1)/10)", D, ["n integer"])
add(T, "floor(n/10)", "floor((n+1)/10)", D, ["n positive integer"])
add(T, "ceil(n/10)", "floor((n+9)/10)", E, ["n integer"])
add(T, "floor(n/2) + floor((n+1)/2)", "n", E, ["n integer"])
add(T, "(-1)^n", "1 - 2*(n - 2*floor(n/2))", E, ["n integer"])
add(T, "(-1)^n", "1", D, ["n integer"])
add(T, "floor(n/4) + floor(n/6)", "floor(n/4) + floor((n+1)/6)", D, ["n integer"])
T = "saturation"
add(T, "log(1 - sigma(x))", "-x - log(1 + exp(-x))", E)
add(T, "log(1 - sigma(x))", "log(sigma(-x))", E)
add(T, "log(sigma(x)) - log(1 - sigma(x))", "x", E)
add(T, "softplus(x) - softplus(-x)", "x", E)
add(T, "log(1 - sigma(x))", "-x", N)
T = "kinks"
add(T, "relu(x - 20000)", "0", D)
add(T, "max(x, 20000)", "20000", D)
add(T, "heaviside(x - 12000)", "0", D)
add(T, "abs(x - 15000)", "15000 - x", D)
add(T, "relu(x)", "(x + abs(x))/2", E)
add(T, "max(x, y)", "(x + y + abs(x - y))/2", E)
T = "check-equiv"
add(T, "relu(x - 5)", "0", D)
add(T, "max(x, 3)", "3", D)
add(T, "x^2", "x^2 + 10^-9", N)
print(len(C))
with open(Path(__file__).resolve().parent / "equiv_cases.jsonl", "w", encoding="utf-8") as f:
    for c in C:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
