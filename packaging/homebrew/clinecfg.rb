# clinecfg.rb - Homebrew formula for clinecfg.
#
# Not tried on macOS or with `brew install` here: the project is built and
# tested on Debian, and only `ruby -c` checks this file.  The url version
# must equal the VERSION file (packaging/version-check.sh); homepage, url and
# sha256 are to be filled in when a release tarball is published
# (`shasum -a 256 clinecfg-VERSION.tar.gz`).  On macOS the build also needs
# the Makefile to pick src/store/keyring_macos.c and the Security framework
# instead of libsecret on Darwin, which it does not do yet.
class Clinecfg < Formula
  desc "Per-developer Amazon Bedrock inference profiles for Cline"
  homepage "https://example.invalid/clinecfg"
  url "https://example.invalid/clinecfg/releases/clinecfg-0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"

  depends_on "pkgconf" => :build
  depends_on "cjson"
  depends_on "openssl@3"

  uses_from_macos "curl"
  # The AWS XML answers are read with libexpat: macOS ships it, Linux
  # takes Homebrew's.
  uses_from_macos "expat"

  # macOS keeps the keys in the login keychain (Security framework).
  on_linux do
    depends_on "libsecret"
  end

  def install
    system "make", "clinecfg", "PREFIX=#{prefix}", "CC=#{ENV.cc}"
    bin.install "clinecfg"
    man1.install "packaging/clinecfg.1"
    bash_completion.install "packaging/completions/clinecfg.bash" => "clinecfg"
    zsh_completion.install "packaging/completions/_clinecfg"
    fish_completion.install "packaging/completions/clinecfg.fish"
    doc.install "packaging/config.example.json"
    # The price table `usage` and `admin report` estimate with (found next to the binary).
    (share/"clinecfg").install "packaging/prices.json"
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/clinecfg --version")

    # status is offline: it reads config files and the keyring and must not
    # fail in an empty HOME.  No org file, so the result shows built-in
    # defaults only.
    ENV["HOME"] = testpath
    ENV["XDG_CONFIG_HOME"] = testpath/".config"
    ENV["XDG_STATE_HOME"] = testpath/".local/state"
    ENV["CLINECFG_ORG_CONFIG"] = testpath/"no-org-config.json"
    ENV["CLINECFG_KEYRING_TIMEOUT"] = "5"
    output = shell_output("#{bin}/clinecfg status --json")
    status = JSON.parse(output)
    assert_equal true, status["ok"]
    assert_equal 0, status["exit_code"]
    assert_equal "MemberName", status["config"]["tag_keys.member"]["value"]
  end
end
