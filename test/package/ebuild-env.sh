# Stand-ins for the Portage helpers that contrib/gentoo's cachectl ebuild calls, enough
# to run its phases outside Portage (test/package/package.test.ts): each puts files
# where Portage would, under $ED. Not Portage: no sandbox, no QA, no compression.
# Set before sourcing: ED T WORKDIR DISTDIR FILESDIR P PN PV PF USE (ESYSROOT may be empty).

inherit() { :; }
die() { echo "die: $*" >&2; exit 1; }
use() { [[ " ${USE} " == *" $1 "* ]]; }
einfo() { echo " * $*"; }
elog() { einfo "$@"; }
ewarn() { einfo "$@"; }
tc-export() { local v; for v; do export "${v}=${!v:-$(tc-get "${v}")}"; done; }
tc-get() { case $1 in CC) echo cc ;; CXX) echo c++ ;; esac; }

_insdir=/
_docdir=
_put() { # MODE DIR FILE [NAME]
	mkdir -p "${ED}$2" || die "mkdir ${ED}$2"
	install -m "$1" "$3" "${ED}$2/${4:-${3##*/}}" || die "install $3"
}
insinto() { _insdir=$1; }
insopts() { :; }
doins() { local f; for f; do _put 0644 "${_insdir}" "${f}"; done; }
newins() { _put 0644 "${_insdir}" "$1" "$2"; }
doman() { local f; for f; do _put 0644 "/usr/share/man/man${f##*.}" "${f}"; done; }
docinto() { _docdir=/$1; [[ $1 == / ]] && _docdir=; }
dodoc() { local f; for f; do _put 0644 "/usr/share/doc/${PF}${_docdir}" "${f}"; done; }
docompress() { :; }
newinitd() { _put 0755 /etc/init.d "$1" "$2"; }
newconfd() { _put 0644 /etc/conf.d "$1" "$2"; }
systemd_dounit() { local f; for f; do _put 0644 /usr/lib/systemd/system "${f}"; done; }
newbashcomp() { _put 0644 /usr/share/bash-completion/completions "$1" "$2"; }
dozshcomp() { local f; for f; do _put 0644 /usr/share/zsh/site-functions "${f}"; done; }
dofishcomp() { local f; for f; do _put 0644 /usr/share/fish/vendor_completions.d "${f}"; done; }
readme.gentoo_create_doc() { _put 0644 "/usr/share/doc/${PF}" "${FILESDIR}/README.gentoo"; }
readme.gentoo_print_elog() { :; }

# src_unpack's default: the tarball into $WORKDIR (npm's tarballs hold package/).
unpack() { tar -xzf "${DISTDIR}/$1" -C "${WORKDIR}" || die "unpack $1"; }
