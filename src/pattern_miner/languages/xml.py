"""XML (Maven POMs, logback, Spring, MSBuild): tag and attribute names carry meaning; values do not."""

from __future__ import annotations

from pattern_miner.languages import ATOM, DROP, KEEP, TEXT, Kind, LanguageSpec

SPEC = LanguageSpec(
    name="xml",
    grammar=("tree_sitter_xml", "language_xml"),
    extensions=(".xml", ".pom", ".xsd", ".xsl", ".xslt", ".wsdl", ".csproj", ".vbproj", ".fsproj", ".props",
                ".targets", ".nuspec", ".plist", ".resx", ".config"),
    modes={
        "Comment": DROP,
        "Name": KEEP,  # element and attribute names: <groupId>, <appender class=...>
        "AttValue": ATOM,
        "CharData": TEXT,  # the text between tags; the blanks between elements are nothing
        "CDSect": ATOM,
        "CharRef": ATOM,
        "EntityRef": ATOM,
    },
    placeholders={"AttValue": "$str", "CharData": "$val", "CDSect": "$val", "CharRef": "$val", "EntityRef": "$val"},
    units={"element": "element"},
    name_fields={"element": "STag|EmptyElemTag/Name"},
    # the elements that are a thing of their own in the formats services hold
    unit_names={"element": frozenset({
        "dependency", "plugin", "profile", "execution", "repository", "dependencyManagement", "pluginManagement",
        "appender", "logger", "root",  # logback, log4j2
        "bean", "beans",  # Spring XML
        "PropertyGroup", "ItemGroup", "Target",  # MSBuild
        "servlet", "filter", "servlet-mapping", "filter-mapping",  # web.xml
    })},
    key_marks=frozenset({"="}),
    kinds=(
        Kind("configuration", "build", files=("pom.xml", "*.pom", "*.csproj", "*.vbproj", "*.fsproj",
                                              "Directory.Build.props", "Directory.Build.targets", "build.xml",
                                              "ivy.xml", "*.nuspec")),
        Kind("configuration", "logging", files=("logback*.xml", "log4j*.xml", "nlog.config", "NLog.config")),
        Kind("configuration", "application", files=("web.xml", "web.config", "app.config", "applicationContext*.xml",
                                                    "*-context.xml", "settings.xml")),
    ),
)
