# Copyright 2026 Gentoo Authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

inherit readme.gentoo-r1 shell-completion systemd toolchain-funcs

DESCRIPTION="Keep an Apache mod_cache_disk cache under a size limit (LRU); replaces htcacheclean"
HOMEPAGE="https://www.npmjs.com/package/cachectl"
# The tarball `npm pack` makes (dist/ and the prebuilt reader included): no network at
# install time, as in ::gentoo's dev-lang/typescript. See ../../README.md.
SRC_URI="${P}.tgz"
S="${WORKDIR}/package"

# cachectl is Apache-2.0; the bundle dist/cachectl.js includes MIT packages (commander,
# cron, luxon, bytes, node-gyp-build: dist/THIRD-PARTY-LICENSES.txt).
LICENSE="Apache-2.0 MIT"
SLOT="0"
KEYWORDS="~amd64"
IUSE="native"
# Until releases are published somewhere Portage can fetch from: pkg_nofetch says how.
RESTRICT="fetch"

RDEPEND=">=net-libs/nodejs-20.19"
BDEPEND=">=net-libs/nodejs-20.19[npm]"

# USE=-native installs the Node-API reader the package ships for linux-x64 (glibc).
QA_PREBUILT="usr/*/node_modules/${PN}/prebuilds/*"

pkg_nofetch() {
	einfo "Make ${P}.tgz with \`npm pack\` in a cachectl ${PV} checkout (or take it"
	einfo "from the release) and place it in your DISTDIR, then run"
	einfo "\`ebuild ${EBUILD} manifest\`."
}

src_compile() {
	# USE=-native: nothing to build, the reader comes prebuilt.
	use native || return 0

	# As a nodejs eclass would: no prebuilt binary, the system toolchain and the system's
	# Node.js headers (node-gyp must not download any). The package's install script
	# builds build/Release/cachectl_native.node, and fails loudly if it cannot.
	rm -r prebuilds || die
	tc-export CC CXX
	CACHECTL_REQUIRE_NATIVE=1 npm_config_nodedir="${ESYSROOT}/usr" \
		npm --offline run install || die "building the native reader failed"
}

src_install() {
	local -a myopts=(
		--audit false
		--cache "${T}/npm-cache"
		--color false
		--foreground-scripts
		--global
		# No script to run: the prebuilt reader needs none, and USE=native built it above.
		--ignore-scripts
		--offline
		--omit dev
		--prefix "${ED}/usr"
		--progress false
		--verbose
	)
	npm "${myopts[@]}" install "${DISTDIR}/${P}.tgz" || die "npm install failed"

	local pkg
	pkg=$(npm --global --prefix "${ED}/usr" root)/${PN} || die
	[[ -d ${pkg} ]] || die "npm did not install into ${pkg}"
	if use native; then
		rm -r "${pkg}/prebuilds" || die
		insinto "${pkg#"${ED}"}/build/Release"
		doins build/Release/cachectl_native.node
	fi

	# npm linked the man pages into the package: install them as files Portage compresses.
	rm -r "${ED}/usr/share/man" || die
	doman "${pkg}"/dist/man/*.1

	newinitd "${pkg}/openrc/cachectl.initd" "${PN}"
	newconfd "${pkg}/openrc/cachectl.confd" "${PN}"
	systemd_dounit "${pkg}"/systemd/cachectl{.service,.timer,-scheduler.service}

	newbashcomp "${pkg}/dist/completion/cachectl.bash" "${PN}"
	dozshcomp "${pkg}/dist/completion/_cachectl"
	dofishcomp "${pkg}/dist/completion/cachectl.fish"

	dodoc README.md docs/*.md
	readme.gentoo_create_doc
	# Examples, not enabled: the cron job and the settings file the units and it read.
	docinto examples
	dodoc "${pkg}/contrib/cron.daily/cachectl" "${pkg}/systemd/cachectl.default"
	docompress -x "/usr/share/doc/${PF}/examples"
}

pkg_postinst() {
	readme.gentoo_print_elog
}
